import type { CanonicalRequest, UpstreamChannel, UpstreamHttpRequest } from '@one-api/llm-core';
import { buildOpenAiChatBody } from '../openai/build-request';
import { nativeBaseUrl } from '../native-base-url';

export const DASHSCOPE_GENERATION_PATH = '/api/v1/services/aigc/text-generation/generation';

type WireObject = Record<string, unknown>;

/** Text-generation takes string contents: parts become their joined text (images go to the multimodal API). */
function flattenContent(content: unknown, warnings: string[]): unknown {
  if (content === null || content === undefined) return ''; // an assistant turn that only called tools
  if (!Array.isArray(content)) return content;
  const texts: string[] = [];
  for (const part of content as WireObject[]) {
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else if (!warnings.includes('non-text parts were dropped: DashScope text-generation takes text only'))
      warnings.push('non-text parts were dropped: DashScope text-generation takes text only');
  }
  return texts.join('\n');
}

/** The DashScope plugin header value: `config.plugin`, else the legacy `other` column (One API's carrier). */
function pluginOf(channel: UpstreamChannel): string | undefined {
  const plugin = channel.config.plugin;
  if (typeof plugin === 'string' && plugin.trim() !== '') return plugin.trim();
  return channel.other?.trim() || undefined;
}

/**
 * Canonical → DashScope native generation: `{model, input: {messages}, parameters}` with `result_format: message`
 * (OpenAI-like choices) and, when streaming, `incremental_output` so each SSE event carries only the new text.
 * The messages are the OpenAI shape DashScope accepts, with text-only contents.
 */
export function buildAliRequest(request: CanonicalRequest, channel: UpstreamChannel): UpstreamHttpRequest {
  const { body: openAi, warnings } = buildOpenAiChatBody({ ...request, stream: false }, 17);
  const messages = (openAi.messages as WireObject[]).map((message) => ({
    ...message,
    content: flattenContent(message.content, warnings),
  }));
  const s = request.sampling;
  const parameters: WireObject = { result_format: 'message' };
  if (request.stream) parameters.incremental_output = true;
  if (s.maxTokens !== undefined) parameters.max_tokens = s.maxTokens;
  if (s.temperature !== undefined) parameters.temperature = s.temperature;
  if (s.topP !== undefined) parameters.top_p = s.topP;
  if (s.topK !== undefined) parameters.top_k = s.topK;
  if (s.seed !== undefined) parameters.seed = s.seed;
  if (s.stop !== undefined) parameters.stop = s.stop;
  if (s.presencePenalty !== undefined) parameters.presence_penalty = s.presencePenalty;
  if (openAi.tools !== undefined) parameters.tools = openAi.tools;
  if (openAi.tool_choice !== undefined) parameters.tool_choice = openAi.tool_choice;
  if (openAi.response_format !== undefined) parameters.response_format = openAi.response_format;
  if (typeof request.extra?.enable_search === 'boolean')
    parameters.enable_search = request.extra.enable_search;
  const reasoning = request.reasoning;
  if (
    reasoning &&
    reasoning.enabled !== false &&
    (reasoning.effort !== undefined || reasoning.budgetTokens)
  ) {
    // Qwen3 hybrid thinking: on/off plus an optional budget; there is no effort scale.
    parameters.enable_thinking = reasoning.effort !== 'none';
    if (reasoning.budgetTokens) parameters.thinking_budget = reasoning.budgetTokens;
  } else if (reasoning?.enabled === false) parameters.enable_thinking = false;
  for (const dropped of ['frequency_penalty', 'n', 'logprobs', 'user', 'metadata'])
    if (openAi[dropped] !== undefined) warnings.push(`${dropped} was dropped: DashScope does not accept it`);

  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${channel.key}`,
  };
  if (request.stream) {
    headers.Accept = 'text/event-stream';
    headers['X-DashScope-SSE'] = 'enable';
  }
  const plugin = pluginOf(channel);
  if (plugin) headers['X-DashScope-Plugin'] = plugin;
  return {
    url: nativeBaseUrl(channel) + DASHSCOPE_GENERATION_PATH,
    method: 'POST',
    headers,
    body: JSON.stringify({ model: request.model, input: { messages }, parameters }),
    warnings,
  };
}
