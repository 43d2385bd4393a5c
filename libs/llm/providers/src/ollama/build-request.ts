import {
  invalidRequest,
  isRecord,
  parseDataUrl,
  tryParseJson,
  type AssistantMessage,
  type CanonicalMessage,
  type CanonicalRequest,
  type JsonObject,
  type UpstreamChannel,
  type UpstreamHttpRequest,
  type UserMessage,
} from '@one-api/llm-core';
import { nativeBaseUrl } from '../native-base-url';

/** `{base}/api/chat` (a base given with a trailing `/v1` — the OpenAI-compatible path — is taken back to the root). */
export function ollamaUrl(channel: UpstreamChannel, path: string): string {
  return `${nativeBaseUrl(channel).replace(/\/(?:v1|api)$/, '')}${path}`;
}

/** Ollama needs no key; one is sent as a bearer token when the channel has one (a proxy in front may ask). */
export function ollamaHeaders(channel: UpstreamChannel): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (channel.key) headers.Authorization = `Bearer ${channel.key}`;
  return headers;
}

/** Effort words the gpt-oss models take for `think`; others take a boolean. */
const THINK_LEVELS = new Set(['low', 'medium', 'high']);

class OllamaBodyBuilder {
  readonly warnings: string[] = [];

  constructor(private readonly request: CanonicalRequest) {}

  private warnOnce(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** Ollama takes images as bare base64 in `images`; it fetches nothing, so remote URLs are refused. */
  private user(message: UserMessage): JsonObject {
    const text: string[] = [];
    const images: string[] = [];
    for (const part of message.content) {
      if (part.type === 'text') text.push(part.text);
      else if (part.type === 'image') {
        if (part.source.kind === 'base64') images.push(part.source.data);
        else {
          const inline = parseDataUrl(part.source.url);
          if (!inline)
            throw invalidRequest(
              'Ollama cannot fetch images: send them inline as base64 data URLs',
              'image_url',
            );
          images.push(inline.data);
        }
      } else this.warnOnce(`${part.type} parts were dropped: Ollama chat takes text and images only`);
    }
    const out: JsonObject = { role: 'user', content: text.join('\n') };
    if (images.length > 0) out.images = images;
    return out;
  }

  private assistant(message: AssistantMessage): JsonObject {
    const out: JsonObject = { role: 'assistant', content: '' };
    const thinking: string[] = [];
    const calls: JsonObject[] = [];
    for (const part of message.content) {
      if (part.type === 'text') out.content = (out.content as string) + part.text;
      else if (part.type === 'reasoning' && !part.redacted) thinking.push(part.text);
      else if (part.type === 'tool-call') {
        const args = part.arguments.trim() === '' ? {} : tryParseJson(part.arguments);
        if (!isRecord(args)) this.warnOnce('tool call arguments that were not a JSON object were sent as {}');
        calls.push({ function: { name: part.name, arguments: isRecord(args) ? args : {} } });
      }
    }
    if (thinking.join('') !== '') out.thinking = thinking.join('');
    if (calls.length > 0) out.tool_calls = calls;
    return out;
  }

  private message(message: CanonicalMessage, callNames: Map<string, string>): JsonObject[] {
    switch (message.role) {
      case 'system':
        return [{ role: 'system', content: message.content.map((part) => part.text).join('\n') }];
      case 'user':
        return [this.user(message)];
      case 'assistant':
        return [this.assistant(message)];
      case 'tool':
        // Ollama matches results to calls by function name (its calls have no ids).
        return message.content.map((result) => {
          const out: JsonObject = {
            role: 'tool',
            content: result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n'),
          };
          const name = callNames.get(result.toolCallId) ?? result.name;
          if (name !== undefined) out.tool_name = name;
          return out;
        });
    }
  }

  build(): JsonObject {
    const req = this.request;
    const callNames = new Map<string, string>();
    for (const message of req.messages)
      if (message.role === 'assistant')
        for (const part of message.content) if (part.type === 'tool-call') callNames.set(part.id, part.name);
    const messages: JsonObject[] = [];
    const system = req.system.map((part) => part.text).filter((text) => text !== '');
    const forcing = this.forcingInstruction();
    if (forcing) system.push(forcing);
    if (system.length > 0) messages.push({ role: 'system', content: system.join('\n\n') });
    for (const message of req.messages) messages.push(...this.message(message, callNames));
    if (messages.length === 0) throw invalidRequest('messages must not be empty', 'messages');

    // `stream` defaults to true on Ollama: it is always sent so a non-stream caller gets one JSON object.
    const body: JsonObject = { model: req.model, messages, stream: req.stream };
    this.tools(body);
    const format = req.responseFormat;
    if (format?.type === 'json_object') body.format = 'json';
    else if (format?.type === 'json_schema') body.format = format.schema ?? 'json';
    const options = this.options();
    if (Object.keys(options).length > 0) body.options = options;
    const reasoning = req.reasoning;
    if (reasoning) {
      const off = reasoning.enabled === false || reasoning.effort === 'none' || reasoning.budgetTokens === 0;
      const effort = String(reasoning.effort ?? '').toLowerCase();
      body.think = off ? false : /gpt-oss/i.test(req.model) && THINK_LEVELS.has(effort) ? effort : true;
      if (reasoning.budgetTokens) this.warnOnce('the thinking budget was dropped: Ollama takes only on/off');
    }
    if (req.extra && req.sourceFormat === 'ollama') {
      for (const [key, value] of Object.entries(req.extra)) if (!(key in body)) body[key] = value;
    }
    return body;
  }

  /**
   * Ollama has no tool choice. `none` sends no tools; a named tool is the only one offered; a required call (named or
   * not) is asked for in the system prompt — models follow it, nothing enforces it.
   */
  private forcingInstruction(): string | undefined {
    const req = this.request;
    const choice = req.toolChoice;
    if ((req.tools ?? []).length === 0 || choice === undefined || choice === 'auto' || choice === 'none')
      return undefined;
    this.warnOnce('tool_choice is not enforced by Ollama: the system prompt asks for the call instead');
    return typeof choice === 'object'
      ? `You must call the tool "${choice.name}".`
      : 'You must call one of the tools.';
  }

  private tools(body: JsonObject): void {
    const req = this.request;
    let tools = req.tools ?? [];
    const choice = req.toolChoice;
    if (tools.length === 0 || choice === 'none') return;
    if (typeof choice === 'object') tools = tools.filter((tool) => tool.name === choice.name);
    body.tools = tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        parameters: tool.parameters ?? { type: 'object', properties: {} },
      },
    }));
  }

  private options(): JsonObject {
    const s = this.request.sampling;
    const options: JsonObject = {};
    if (s.temperature !== undefined) options.temperature = s.temperature;
    if (s.topP !== undefined) options.top_p = s.topP;
    if (s.topK !== undefined) options.top_k = s.topK;
    if (s.maxTokens !== undefined) options.num_predict = s.maxTokens;
    if (s.stop !== undefined && s.stop.length > 0) options.stop = s.stop;
    if (s.seed !== undefined) options.seed = s.seed;
    if (s.presencePenalty !== undefined) options.presence_penalty = s.presencePenalty;
    if (s.frequencyPenalty !== undefined) options.frequency_penalty = s.frequencyPenalty;
    if (s.n !== undefined && s.n > 1) this.warnOnce('n > 1 was dropped: Ollama returns one choice');
    if (s.logprobs) this.warnOnce('logprobs were dropped: the Ollama adapter does not return them');
    return options;
  }
}

export function buildOllamaChatBody(request: CanonicalRequest): { body: JsonObject; warnings: string[] } {
  const builder = new OllamaBodyBuilder(request);
  const body = builder.build();
  return { body, warnings: builder.warnings };
}

/** The full upstream call: `POST {base}/api/chat`. */
export function buildOllamaRequest(request: CanonicalRequest, channel: UpstreamChannel): UpstreamHttpRequest {
  const { body, warnings } = buildOllamaChatBody(request);
  return {
    url: ollamaUrl(channel, '/api/chat'),
    method: 'POST',
    headers: ollamaHeaders(channel),
    body: JSON.stringify(body),
    warnings,
  };
}
