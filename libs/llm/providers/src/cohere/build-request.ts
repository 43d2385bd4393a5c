import {
  invalidRequest,
  type AssistantMessage,
  type CanonicalMessage,
  type CanonicalRequest,
  type ImagePart,
  type JsonObject,
  type ToolMessage,
  type UpstreamChannel,
  type UpstreamHttpRequest,
  type UserMessage,
} from '@one-api/llm-core';
import { unversionedBaseUrl } from '../native-base-url';

/** `{base}/v2/chat`; a base that already ends in a version segment is accepted as well. */
export function cohereUrl(channel: UpstreamChannel, path: string): string {
  return `${unversionedBaseUrl(channel)}${path}`;
}

export function cohereHeaders(channel: UpstreamChannel, stream = false): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: stream ? 'text/event-stream' : 'application/json',
  };
  if (channel.key) headers.Authorization = `Bearer ${channel.key}`;
  return headers;
}

class CohereBodyBuilder {
  readonly warnings: string[] = [];

  constructor(private readonly request: CanonicalRequest) {}

  private warnOnce(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  private imageUrl(part: ImagePart): string {
    if (part.source.kind === 'base64') return `data:${part.source.mediaType};base64,${part.source.data}`;
    return part.source.url;
  }

  /** Text-only user turns go as a string (what every Cohere model takes); images need the content-part array. */
  private user(message: UserMessage): JsonObject {
    const parts: JsonObject[] = [];
    for (const part of message.content) {
      if (part.type === 'text') parts.push({ type: 'text', text: part.text });
      else if (part.type === 'image') {
        const url = this.imageUrl(part);
        parts.push({
          type: 'image_url',
          image_url: part.detail ? { url, detail: part.detail } : { url },
        });
      } else this.warnOnce(`${part.type} parts were dropped: Cohere chat takes text and images only`);
    }
    if (parts.every((part) => part.type === 'text'))
      return { role: 'user', content: parts.map((part) => part.text as string).join('\n') };
    return { role: 'user', content: parts };
  }

  /**
   * Reasoning of earlier turns is not sent back: Cohere keeps no signature to verify it, and its `tool_plan` is only
   * meaningful on the turn that made the calls, so the plan is not rebuilt from reasoning text either.
   */
  private assistant(message: AssistantMessage): JsonObject {
    const text = message.content
      .filter((part) => part.type === 'text')
      .map((part) => (part.type === 'text' ? part.text : ''))
      .join('');
    const calls = message.content.flatMap((part) =>
      part.type === 'tool-call'
        ? [
            {
              id: part.id,
              type: 'function',
              function: { name: part.name, arguments: part.arguments || '{}' },
            },
          ]
        : [],
    );
    if (message.content.some((part) => part.type === 'reasoning'))
      this.warnOnce('reasoning of earlier assistant turns was not sent: Cohere does not take it back');
    const out: JsonObject = { role: 'assistant' };
    if (text !== '') out.content = text;
    if (calls.length > 0) out.tool_calls = calls;
    if (text === '' && calls.length === 0) out.content = '';
    return out;
  }

  private tool(message: ToolMessage): JsonObject[] {
    return message.content.map((result) => {
      const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
      if (result.content.some((part) => part.type === 'image'))
        this.warnOnce('images in tool results were dropped: Cohere tool results are text');
      return { role: 'tool', tool_call_id: result.toolCallId, content: text };
    });
  }

  private message(message: CanonicalMessage): JsonObject[] {
    switch (message.role) {
      case 'system':
        return [{ role: 'system', content: message.content.map((part) => part.text).join('\n') }];
      case 'user':
        return [this.user(message)];
      case 'assistant':
        return [this.assistant(message)];
      case 'tool':
        return this.tool(message);
    }
  }

  build(): JsonObject {
    const req = this.request;
    const messages: JsonObject[] = [];
    const system = req.system.map((part) => part.text).filter((text) => text !== '');
    if (system.length > 0) messages.push({ role: 'system', content: system.join('\n') });
    for (const message of req.messages) messages.push(...this.message(message));
    if (messages.every((message) => message.role === 'system'))
      throw invalidRequest('Cohere needs at least one user message', 'messages');

    const body: JsonObject = { model: req.model, messages, stream: req.stream };
    this.tools(body);
    const s = req.sampling;
    if (s.maxTokens !== undefined) body.max_tokens = s.maxTokens;
    if (s.temperature !== undefined) body.temperature = s.temperature;
    if (s.topP !== undefined) body.p = s.topP;
    if (s.topK !== undefined) body.k = s.topK;
    if (s.stop !== undefined && s.stop.length > 0) body.stop_sequences = s.stop;
    if (s.seed !== undefined) body.seed = s.seed;
    if (s.presencePenalty !== undefined) body.presence_penalty = s.presencePenalty;
    if (s.frequencyPenalty !== undefined) body.frequency_penalty = s.frequencyPenalty;
    if (s.n !== undefined && s.n > 1) this.warnOnce('n > 1 was dropped: Cohere returns one choice');
    if (s.logprobs) this.warnOnce('logprobs were dropped: the Cohere adapter does not return them');

    const format = req.responseFormat;
    if (format?.type === 'json_object') body.response_format = { type: 'json_object' };
    else if (format?.type === 'json_schema')
      body.response_format =
        format.schema !== undefined
          ? { type: 'json_object', json_schema: format.schema }
          : { type: 'json_object' };

    const reasoning = req.reasoning;
    if (reasoning) {
      const off = reasoning.enabled === false || reasoning.effort === 'none' || reasoning.budgetTokens === 0;
      body.thinking = off
        ? { type: 'disabled' }
        : reasoning.budgetTokens !== undefined
          ? { type: 'enabled', token_budget: reasoning.budgetTokens }
          : { type: 'enabled' };
    }
    if (req.parallelToolCalls === false)
      this.warnOnce('parallel_tool_calls=false was dropped: Cohere cannot turn parallel calls off');
    if (req.extra && req.sourceFormat === 'cohere') {
      for (const [key, value] of Object.entries(req.extra)) if (!(key in body)) body[key] = value;
    }
    return body;
  }

  /**
   * Cohere's `tool_choice` is REQUIRED or NONE. A client forcing one named tool gets REQUIRED with only that tool
   * offered, which leaves the model no other choice — the same outcome.
   */
  private tools(body: JsonObject): void {
    const req = this.request;
    let tools = req.tools ?? [];
    if (tools.length === 0) return;
    const choice = req.toolChoice;
    if (typeof choice === 'object') {
      const named = tools.filter((tool) => tool.name === choice.name);
      if (named.length > 0) tools = named;
    }
    body.tools = tools.map((tool) => {
      const fn: JsonObject = { name: tool.name };
      if (tool.description !== undefined && tool.description !== '') fn.description = tool.description;
      fn.parameters = tool.parameters ?? { type: 'object', properties: {} };
      return { type: 'function', function: fn };
    });
    if (choice === 'required' || typeof choice === 'object') body.tool_choice = 'REQUIRED';
    else if (choice === 'none') body.tool_choice = 'NONE';
  }
}

/** Canonical request → the body of Cohere's `POST /v2/chat`, with warnings. */
export function buildCohereChatBody(request: CanonicalRequest): { body: JsonObject; warnings: string[] } {
  const builder = new CohereBodyBuilder(request);
  const body = builder.build();
  return { body, warnings: builder.warnings };
}

/** The full upstream call: `POST {base}/v2/chat` with the key as a bearer token. */
export function buildCohereRequest(request: CanonicalRequest, channel: UpstreamChannel): UpstreamHttpRequest {
  const { body, warnings } = buildCohereChatBody(request);
  return {
    url: cohereUrl(channel, '/v2/chat'),
    method: 'POST',
    headers: cohereHeaders(channel, request.stream),
    body: JSON.stringify(body),
    warnings,
  };
}
