import {
  toDataUrl,
  type CanonicalMessage,
  type CanonicalRequest,
  type ImagePart,
  type TextPart,
  type UpstreamChannel,
  type UpstreamHttpRequest,
  type UserPart,
} from '@one-api/llm-core';
import { upstreamUrl } from '../openai/upstream-url';
import { vendorAuthHeaders, vendorOrDefault } from '../openai/vendors';

type WireObject = Record<string, unknown>;

/** Upstream path of the Responses API (the vendor's version path replaces `/v1`, as for chat). */
export const RESPONSES_PATH = '/v1/responses';

class ResponsesBodyBuilder {
  readonly warnings: string[] = [];

  constructor(private readonly request: CanonicalRequest) {}

  private warnOnce(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  private noteCache(parts: Array<{ cacheControl?: unknown }>): void {
    if (parts.some((part) => part.cacheControl)) {
      this.warnOnce('cache_control hints were dropped: the Responses API caches prompts by itself');
    }
  }

  private image(part: ImagePart): WireObject {
    const url =
      part.source.kind === 'url' ? part.source.url : toDataUrl(part.source.mediaType, part.source.data);
    return { type: 'input_image', image_url: url, detail: part.detail ?? 'auto' };
  }

  private userPart(part: UserPart): WireObject | undefined {
    switch (part.type) {
      case 'text':
        return { type: 'input_text', text: part.text };
      case 'image':
        return this.image(part);
      case 'file': {
        const file: WireObject = { type: 'input_file' };
        if (part.fileId !== undefined) file.file_id = part.fileId;
        if (part.filename !== undefined) file.filename = part.filename;
        if (part.data !== undefined)
          file.file_data = part.mediaType ? toDataUrl(part.mediaType, part.data) : part.data;
        if (part.url !== undefined && part.fileId === undefined && part.data === undefined)
          file.file_url = part.url;
        return file;
      }
      case 'audio':
        this.warnOnce('audio input was dropped: the Responses API takes no audio parts');
        return undefined;
    }
  }

  private textItems(role: 'system' | 'developer', parts: TextPart[]): WireObject {
    return { type: 'message', role, content: parts.map((part) => ({ type: 'input_text', text: part.text })) };
  }

  private message(message: CanonicalMessage, out: WireObject[]): void {
    this.noteCache(message.content);
    switch (message.role) {
      case 'system':
        out.push(this.textItems('system', message.content));
        return;
      case 'user':
        out.push({
          type: 'message',
          role: 'user',
          content: message.content
            .map((part) => this.userPart(part))
            .filter((part): part is WireObject => part !== undefined),
        });
        return;
      case 'assistant': {
        let text: WireObject | undefined;
        for (const part of message.content) {
          if (part.type === 'text') {
            if (!text) {
              text = { type: 'output_text', text: '' };
              out.push({ type: 'message', role: 'assistant', content: [text] });
            }
            text.text = String(text.text) + part.text;
            continue;
          }
          text = undefined;
          // Reasoning from earlier turns is not sent back: a Responses upstream only takes back its own items.
          if (part.type === 'tool-call') {
            out.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: part.arguments });
          }
        }
        return;
      }
      case 'tool':
        for (const result of message.content) {
          const onlyText = result.content.every((part) => part.type === 'text');
          out.push({
            type: 'function_call_output',
            call_id: result.toolCallId,
            output: onlyText
              ? result.content.map((part) => (part as TextPart).text).join('\n')
              : result.content.map((part) =>
                  part.type === 'text' ? { type: 'input_text', text: part.text } : this.image(part),
                ),
          });
        }
        return;
    }
  }

  build(): WireObject {
    const req = this.request;
    const body: WireObject = { model: req.model };
    const input: WireObject[] = [];
    this.noteCache(req.system);
    if (req.system.length > 0) {
      body.instructions = req.system[0].text;
      if (req.system.length > 1) input.push(this.textItems('developer', req.system.slice(1)));
    }
    for (const message of req.messages) this.message(message, input);
    body.input = input;

    if (req.tools !== undefined) {
      this.noteCache(req.tools);
      body.tools = req.tools.map((tool) => {
        const wire: WireObject = { type: 'function', name: tool.name };
        if (tool.description !== undefined) wire.description = tool.description;
        wire.parameters = tool.parameters ?? { type: 'object', properties: {} };
        // The Responses API makes function tools strict unless told otherwise; canonical tools are not.
        wire.strict = tool.strict ?? false;
        return wire;
      });
    }
    if (req.toolChoice !== undefined) {
      body.tool_choice =
        typeof req.toolChoice === 'string' ? req.toolChoice : { type: 'function', name: req.toolChoice.name };
    }
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;

    const format = req.responseFormat;
    if (format !== undefined) {
      if (format.type === 'json_schema') {
        const wire: WireObject = { type: 'json_schema', name: format.name };
        if (format.description !== undefined) wire.description = format.description;
        wire.schema = format.schema ?? { type: 'object' };
        if (format.strict !== undefined) wire.strict = format.strict;
        body.text = { format: wire };
      } else body.text = { format: { type: format.type } };
    }
    this.reasoning(body);

    const s = req.sampling;
    if (s.maxTokens !== undefined) body.max_output_tokens = s.maxTokens;
    if (s.temperature !== undefined) body.temperature = s.temperature;
    if (s.topP !== undefined) body.top_p = s.topP;
    const dropped: Array<[unknown, string]> = [
      [s.topK, 'top_k'],
      [s.stop, 'stop'],
      [s.seed, 'seed'],
      [s.presencePenalty, 'presence_penalty'],
      [s.frequencyPenalty, 'frequency_penalty'],
      [s.logprobs, 'logprobs'],
      [s.topLogprobs, 'top_logprobs'],
    ];
    for (const [value, name] of dropped) {
      if (value !== undefined) this.warnOnce(`${name} was dropped: the Responses API does not accept it`);
    }
    if (s.n !== undefined && s.n !== 1) this.warnOnce('n was dropped: the Responses API answers one choice');

    if (req.stream) body.stream = true;
    if (req.user !== undefined) body.user = req.user;
    if (req.metadata !== undefined) body.metadata = req.metadata;
    if (req.extra && req.sourceFormat === 'openai-responses') {
      for (const [key, value] of Object.entries(req.extra)) {
        if (key === 'tools' && Array.isArray(value))
          body.tools = [...((body.tools as unknown[]) ?? []), ...value];
        else if (!(key in body)) body[key] = value;
      }
    }
    // A converted request is not kept upstream: the caller never learns the upstream's response id.
    if (!('store' in body)) body.store = false;
    return body;
  }

  private reasoning(body: WireObject): void {
    const reasoning = this.request.reasoning;
    if (!reasoning) return;
    if (reasoning.effort !== undefined) {
      body.reasoning = { effort: reasoning.effort };
    } else if (reasoning.budgetTokens !== undefined && reasoning.enabled !== false) {
      const budget = reasoning.budgetTokens;
      const effort = budget <= 2048 ? 'low' : budget <= 12288 ? 'medium' : 'high';
      body.reasoning = { effort };
      this.warnOnce(`the reasoning budget of ${budget} tokens was sent as reasoning effort "${effort}"`);
    }
  }
}

/** Canonical request → an OpenAI Responses body (`POST /v1/responses`), with warnings for what was dropped. */
export function buildOpenAiResponsesBody(request: CanonicalRequest): {
  body: Record<string, unknown>;
  warnings: string[];
} {
  const builder = new ResponsesBodyBuilder(request);
  const body = builder.build();
  return { body, warnings: builder.warnings };
}

/** The full upstream call: `{base}/v1/responses` by the vendor's URL rule, Bearer auth, vendor headers. */
export function buildOpenAiResponsesRequest(
  request: CanonicalRequest,
  channel: UpstreamChannel,
): UpstreamHttpRequest {
  const vendor = vendorOrDefault(channel.type);
  const { body, warnings } = buildOpenAiResponsesBody(request);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (request.stream) headers.Accept = 'text/event-stream';
  Object.assign(headers, vendorAuthHeaders(channel.type, channel.key));
  if (vendor.headers) Object.assign(headers, vendor.headers);
  return {
    url: upstreamUrl(channel.type, channel.baseUrl, RESPONSES_PATH),
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    warnings,
  };
}
