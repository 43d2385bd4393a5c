import {
  toDataUrl,
  type CacheControl,
  type CanonicalMessage,
  type CanonicalRequest,
  type ImagePart,
  type TextPart,
  type UpstreamChannel,
  type UpstreamHttpRequest,
  type UserPart,
} from '@one-api/llm-core';
import { upstreamUrl } from './upstream-url';
import { applyVendorParameterRules, type VendorOptions } from './parameter-rules';
import {
  acceptsStreamOptions,
  vendorAuthHeaders,
  vendorOrDefault,
  type OpenAiCompatibleVendor,
} from './vendors';

type WireObject = Record<string, unknown>;

/** Models that only accept `max_completion_tokens` on OpenAI (o-series and gpt-5 reasoning models). */
const REASONING_MODEL = /^(?:o\d|gpt-5)/;

function bareModel(model: string): string {
  return model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
}

class BodyBuilder {
  readonly warnings: string[] = [];

  constructor(
    private readonly request: CanonicalRequest,
    private readonly vendor: OpenAiCompatibleVendor,
    private readonly options: VendorOptions = {},
    /** false for channels that refuse `stream_options` (Azure before 2024-09-01-preview) */
    private readonly streamOptions = true,
  ) {}

  private warnOnce(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  private cache(target: WireObject, cacheControl: CacheControl | undefined): WireObject {
    if (!cacheControl) return target;
    if (this.vendor.acceptsCacheControl) target.cache_control = { ...cacheControl };
    else this.warnOnce('cache_control hints were dropped: the upstream does not accept them');
    return target;
  }

  private hasCache(parts: Array<{ cacheControl?: CacheControl }>): boolean {
    return this.vendor.acceptsCacheControl && parts.some((part) => part.cacheControl);
  }

  /** Text-only content: a string unless cache hints must ride on the parts. */
  private textContent(parts: TextPart[]): string | WireObject[] {
    if (this.hasCache(parts))
      return parts.map((part) => this.cache({ type: 'text', text: part.text }, part.cacheControl));
    for (const part of parts) if (part.cacheControl) this.cache({}, part.cacheControl);
    return parts.map((part) => part.text).join('\n');
  }

  private imagePart(part: ImagePart): WireObject {
    const url =
      part.source.kind === 'url' ? part.source.url : toDataUrl(part.source.mediaType, part.source.data);
    const imageUrl: WireObject = { url };
    if (part.detail) imageUrl.detail = part.detail;
    return this.cache({ type: 'image_url', image_url: imageUrl }, part.cacheControl);
  }

  private userPart(part: UserPart): WireObject | undefined {
    switch (part.type) {
      case 'text':
        return this.cache({ type: 'text', text: part.text }, part.cacheControl);
      case 'image':
        return this.imagePart(part);
      case 'audio':
        return this.cache(
          { type: 'input_audio', input_audio: { data: part.data, format: part.format } },
          part.cacheControl,
        );
      case 'file': {
        const file: WireObject = {};
        if (part.fileId !== undefined) file.file_id = part.fileId;
        if (part.filename !== undefined) file.filename = part.filename;
        if (part.data !== undefined)
          file.file_data = part.mediaType ? toDataUrl(part.mediaType, part.data) : part.data;
        if (file.file_id === undefined && file.file_data === undefined) {
          this.warnOnce('a file given only by URL was dropped: OpenAI chat accepts file ids or inline data');
          return undefined;
        }
        return this.cache({ type: 'file', file }, part.cacheControl);
      }
    }
  }

  private userContent(parts: UserPart[]): string | WireObject[] {
    if (parts.length === 1 && parts[0].type === 'text' && !this.hasCache(parts)) {
      if (parts[0].cacheControl) this.cache({}, parts[0].cacheControl);
      return parts[0].text;
    }
    return parts.map((part) => this.userPart(part)).filter((part): part is WireObject => part !== undefined);
  }

  private message(message: CanonicalMessage, out: WireObject[]): void {
    switch (message.role) {
      case 'system':
        out.push({ role: 'system', content: this.textContent(message.content) });
        return;
      case 'user': {
        const user: WireObject = { role: 'user', content: this.userContent(message.content) };
        if (message.name !== undefined) user.name = message.name;
        out.push(user);
        return;
      }
      case 'assistant': {
        const texts: TextPart[] = [];
        const toolCalls: WireObject[] = [];
        for (const part of message.content) {
          if (part.type === 'text') texts.push(part);
          else if (part.type === 'tool-call') {
            toolCalls.push({
              id: part.id,
              type: 'function',
              function: { name: part.name, arguments: part.arguments },
            });
          }
          // Reasoning from earlier turns is not sent back to OpenAI-style upstreams.
        }
        const assistant: WireObject = {
          role: 'assistant',
          content:
            texts.length === 0
              ? null
              : this.hasCache(texts)
                ? this.textContent(texts)
                : texts.map((t) => t.text).join(''),
        };
        if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
        if (message.name !== undefined) assistant.name = message.name;
        out.push(assistant);
        return;
      }
      case 'tool': {
        const images: ImagePart[] = [];
        for (const result of message.content) {
          const texts = result.content.filter((part): part is TextPart => part.type === 'text');
          for (const part of result.content) if (part.type === 'image') images.push(part);
          out.push({ role: 'tool', tool_call_id: result.toolCallId, content: this.textContent(texts) });
        }
        if (images.length > 0) {
          this.warnOnce('images in tool results were moved to a following user message');
          out.push({ role: 'user', content: images.map((image) => this.imagePart(image)) });
        }
        return;
      }
    }
  }

  build(): WireObject {
    const req = this.request;
    const body: WireObject = { model: req.model };
    const messages: WireObject[] = [];
    if (req.system.length > 0) messages.push({ role: 'system', content: this.textContent(req.system) });
    for (const message of req.messages) this.message(message, messages);
    body.messages = messages;

    const s = req.sampling;
    if (s.maxTokens !== undefined) body[this.maxTokensField()] = s.maxTokens;
    if (s.temperature !== undefined) body.temperature = s.temperature;
    if (s.topP !== undefined) body.top_p = s.topP;
    if (s.topK !== undefined) {
      if (this.vendor.acceptsTopK) body.top_k = s.topK;
      else this.warnOnce('top_k was dropped: the upstream does not accept it');
    }
    if (s.stop !== undefined) body.stop = s.stop;
    if (s.seed !== undefined) body.seed = s.seed;
    if (s.presencePenalty !== undefined) body.presence_penalty = s.presencePenalty;
    if (s.frequencyPenalty !== undefined) body.frequency_penalty = s.frequencyPenalty;
    if (s.n !== undefined) body.n = s.n;
    if (s.logprobs !== undefined) body.logprobs = s.logprobs;
    if (s.topLogprobs !== undefined) body.top_logprobs = s.topLogprobs;

    if (req.tools !== undefined) {
      body.tools = req.tools.map((tool) => {
        const fn: WireObject = { name: tool.name };
        if (tool.description !== undefined) fn.description = tool.description;
        if (tool.parameters !== undefined) fn.parameters = tool.parameters;
        if (tool.strict !== undefined) fn.strict = tool.strict;
        return this.cache({ type: 'function', function: fn }, tool.cacheControl);
      });
    }
    if (req.toolChoice !== undefined) {
      body.tool_choice =
        typeof req.toolChoice === 'string'
          ? req.toolChoice
          : { type: 'function', function: { name: req.toolChoice.name } };
    }
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;

    const format = req.responseFormat;
    if (format !== undefined) {
      if (format.type === 'json_schema') {
        const spec: WireObject = { name: format.name };
        if (format.description !== undefined) spec.description = format.description;
        if (format.schema !== undefined) spec.schema = format.schema;
        if (format.strict !== undefined) spec.strict = format.strict;
        body.response_format = { type: 'json_schema', json_schema: spec };
      } else body.response_format = { type: format.type };
    }

    this.reasoning(body);

    if (req.stream) {
      body.stream = true;
      // Channels that refuse stream_options get none: usage then comes from the gateway's estimate.
      if (this.streamOptions) {
        if (this.vendor.streamUsage) body.stream_options = { include_usage: true };
        else if (req.includeUsage !== undefined) body.stream_options = { include_usage: req.includeUsage };
      }
    }
    // A Chat caller's own `modalities` (other formats' image asks mean nothing to OpenAI's Chat API)
    if (req.outputModalities !== undefined && req.sourceFormat === 'openai-chat')
      body.modalities = req.outputModalities;
    if (req.user !== undefined) body.user = req.user;
    if (req.metadata !== undefined) {
      if (this.vendor.type === 1 || req.sourceFormat === 'openai-chat') body.metadata = req.metadata;
      else this.warnOnce('metadata was dropped: the upstream may not accept it');
    }
    if (req.extra && req.sourceFormat === 'openai-chat') {
      for (const [key, value] of Object.entries(req.extra)) if (!(key in body)) body[key] = value;
    }
    for (const warning of applyVendorParameterRules(body, this.vendor.type, this.options))
      this.warnOnce(warning);
    return body;
  }

  private maxTokensField(): 'max_tokens' | 'max_completion_tokens' {
    if (this.vendor.maxTokensField !== 'auto') return this.vendor.maxTokensField;
    return REASONING_MODEL.test(bareModel(this.request.model)) ? 'max_completion_tokens' : 'max_tokens';
  }

  private reasoning(body: WireObject): void {
    const reasoning = this.request.reasoning;
    if (!reasoning) return;
    if (reasoning.effort !== undefined) {
      body.reasoning_effort = reasoning.effort;
    } else if (
      reasoning.budgetTokens !== undefined &&
      reasoning.enabled !== false &&
      this.vendor.type === 20
    ) {
      body.reasoning = { max_tokens: reasoning.budgetTokens }; // OpenRouter takes a token budget as such
    } else if (reasoning.budgetTokens !== undefined && reasoning.enabled !== false) {
      const budget = reasoning.budgetTokens;
      body.reasoning_effort = budget <= 2048 ? 'low' : budget <= 12288 ? 'medium' : 'high';
      this.warnOnce(
        `the reasoning budget of ${budget} tokens was sent as reasoning_effort "${body.reasoning_effort}"`,
      );
    }
  }
}

/** Canonical request → the OpenAI Chat Completions body for a vendor, with warnings for what was dropped. */
export function buildOpenAiChatBody(
  request: CanonicalRequest,
  channelType: number,
  options: VendorOptions = {},
  target: { config?: Record<string, unknown>; other?: string | null } = {},
): { body: Record<string, unknown>; warnings: string[] } {
  const builder = new BodyBuilder(
    request,
    vendorOrDefault(channelType),
    options,
    acceptsStreamOptions(channelType, target),
  );
  const body = builder.build();
  return { body, warnings: builder.warnings };
}

/** The full upstream call: URL by vendor rule, Bearer auth, vendor headers, JSON body. */
export function buildOpenAiChatRequest(
  request: CanonicalRequest,
  channel: UpstreamChannel,
  options: VendorOptions = {},
): UpstreamHttpRequest {
  const vendor = vendorOrDefault(channel.type);
  const { body, warnings } = buildOpenAiChatBody(request, channel.type, options, {
    config: channel.config,
    other: channel.other,
  });
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  Object.assign(headers, vendorAuthHeaders(channel.type, channel.key));
  if (vendor.headers) Object.assign(headers, vendor.headers);
  return {
    url: upstreamUrl(channel.type, channel.baseUrl, '/v1/chat/completions', {
      model: request.model,
      config: channel.config,
      other: channel.other,
    }),
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    warnings,
  };
}
