import {
  parseDataUrl,
  type CacheControl,
  type CanonicalMessage,
  type CanonicalRequest,
  type FilePart,
  type ImagePart,
  type TextPart,
  type ToolResultPart,
  type UpstreamChannel,
  type UpstreamHttpRequest,
  type UserPart,
} from '@one-api/llm-core';
import {
  ANTHROPIC_BETA_STATE,
  ANTHROPIC_SERVER_TOOLS_STATE,
  ANTHROPIC_THINKING_DISPLAY_STATE,
  ANTHROPIC_VERSION_STATE,
  DEFAULT_ANTHROPIC_VERSION,
  toolInputOf,
} from '@one-api/llm-codecs';
import { refusesTemperatureWithTopP } from './sampling-rules';
import { anthropicMessagesUrl } from './upstream-url';

type WireObject = Record<string, unknown>;

export interface AnthropicAdapterOptions {
  /** `max_tokens` when the request has none (Anthropic requires it); the relay passes DEFAULT_MAX_TOKEN. Default 2048. */
  defaultMaxTokens?: number;
}

export const DEFAULT_ANTHROPIC_MAX_TOKENS = 2048;
/** The smallest thinking budget Anthropic accepts. */
export const MIN_THINKING_BUDGET = 1024;

/** Thinking budgets for an OpenAI-style `reasoning_effort` (the inverse of the OpenAI adapter's budget → effort). */
export const THINKING_BUDGET_BY_EFFORT: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
  max: 32768,
};

const TOOL_USE_ID = /^[a-zA-Z0-9_-]+$/;

/** Anthropic accepts tool_use ids of `[a-zA-Z0-9_-]+`; other ids (from other providers) are made to fit, the same way in calls and results. */
export function anthropicToolUseId(id: string): string {
  if (TOOL_USE_ID.test(id)) return id;
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return cleaned === '' ? 'toolu_empty' : cleaned;
}

function cache(target: WireObject, cacheControl: CacheControl | undefined): WireObject {
  if (cacheControl) target.cache_control = { ...cacheControl };
  return target;
}

interface WireMessage {
  role: 'user' | 'assistant';
  content: WireObject[];
  /** The message holds tool results: a following user message joins it (tool_result blocks come first). */
  toolResults?: boolean;
}

class BodyBuilder {
  readonly warnings: string[] = [];
  private readonly fromClaude: boolean;

  constructor(
    private readonly request: CanonicalRequest,
    private readonly defaultMaxTokens: number,
  ) {
    this.fromClaude = request.sourceFormat === 'anthropic-messages';
  }

  private warnOnce(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  private textBlock(part: TextPart): WireObject {
    return cache({ type: 'text', text: part.text }, part.cacheControl);
  }

  private imageBlock(part: ImagePart): WireObject {
    let source: WireObject;
    if (part.source.kind === 'base64') {
      source = { type: 'base64', media_type: part.source.mediaType, data: part.source.data };
    } else {
      const dataUrl = parseDataUrl(part.source.url);
      source = dataUrl
        ? { type: 'base64', media_type: dataUrl.mediaType, data: dataUrl.data }
        : { type: 'url', url: part.source.url };
    }
    if (part.detail !== undefined && part.detail !== 'auto') {
      this.warnOnce('the image detail level was dropped: Anthropic does not accept it');
    }
    return cache({ type: 'image', source }, part.cacheControl);
  }

  private fileBlock(part: FilePart): WireObject | undefined {
    let block: WireObject;
    const mediaType = part.mediaType?.split(';')[0].trim().toLowerCase();
    if (part.fileId !== undefined) {
      block = { type: 'document', source: { type: 'file', file_id: part.fileId } };
    } else if (part.data !== undefined) {
      if (mediaType?.startsWith('image/')) {
        block = { type: 'image', source: { type: 'base64', media_type: mediaType, data: part.data } };
      } else if (mediaType === 'text/plain') {
        const text = Buffer.from(part.data, 'base64').toString('utf8');
        block = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text } };
      } else {
        if (mediaType !== undefined && mediaType !== 'application/pdf') {
          this.warnOnce(
            `a ${mediaType} file was sent as a PDF document: Anthropic documents are PDF or text`,
          );
        }
        block = {
          type: 'document',
          source: { type: 'base64', media_type: 'application/pdf', data: part.data },
        };
      }
    } else if (part.url !== undefined) {
      block = { type: 'document', source: { type: 'url', url: part.url } };
    } else {
      return undefined;
    }
    if (part.filename !== undefined && block.type === 'document') block.title = part.filename;
    return cache(block, part.cacheControl);
  }

  private userBlock(part: UserPart): WireObject | undefined {
    switch (part.type) {
      case 'text':
        return this.textBlock(part);
      case 'image':
        return this.imageBlock(part);
      case 'file':
        return this.fileBlock(part);
      case 'audio':
        this.warnOnce('audio input was dropped: Anthropic does not accept audio');
        return undefined;
    }
  }

  private toolResultBlock(part: ToolResultPart): WireObject {
    const block: WireObject = { type: 'tool_result', tool_use_id: anthropicToolUseId(part.toolCallId) };
    const content = part.content;
    if (content.length === 1 && content[0].type === 'text' && !content[0].cacheControl) {
      block.content = content[0].text;
    } else if (content.length > 0) {
      block.content = content.map((inner) =>
        inner.type === 'text' ? this.textBlock(inner) : this.imageBlock(inner),
      );
    }
    if (part.isError) block.is_error = true;
    return cache(block, part.cacheControl);
  }

  private assistantBlocks(message: CanonicalMessage & { role: 'assistant' }): WireObject[] {
    const blocks: WireObject[] = [];
    for (const part of message.content) {
      if (part.type === 'text') {
        if (part.text !== '') blocks.push(this.textBlock(part));
      } else if (part.type === 'reasoning') {
        if (part.redacted)
          blocks.push(cache({ type: 'redacted_thinking', data: part.text }, part.cacheControl));
        else if (part.signature) {
          blocks.push(
            cache({ type: 'thinking', thinking: part.text, signature: part.signature }, part.cacheControl),
          );
        } else this.warnOnce('reasoning without a signature from earlier turns was not sent');
      } else {
        blocks.push(
          cache(
            {
              type: 'tool_use',
              id: anthropicToolUseId(part.id),
              name: part.name,
              input: toolInputOf(part.arguments),
            },
            part.cacheControl,
          ),
        );
      }
    }
    return blocks;
  }

  /** Canonical messages → Claude turns; system messages met later in the conversation join the system prompt. */
  private messages(system: TextPart[]): WireMessage[] {
    const out: WireMessage[] = [];
    for (const message of this.request.messages) {
      const last = out[out.length - 1];
      switch (message.role) {
        case 'system':
          this.warnOnce('system messages inside the conversation were moved to the system prompt');
          system.push(...message.content);
          break;
        case 'user': {
          if (message.name !== undefined)
            this.warnOnce('message names were dropped: Anthropic does not accept them');
          const blocks = message.content
            .map((part) => this.userBlock(part))
            .filter((block): block is WireObject => block !== undefined);
          if (last?.toolResults) {
            last.content.push(...blocks);
            last.toolResults = false;
          } else out.push({ role: 'user', content: blocks });
          break;
        }
        case 'assistant': {
          const blocks = this.assistantBlocks(message);
          if (blocks.length > 0) out.push({ role: 'assistant', content: blocks });
          break;
        }
        case 'tool': {
          const blocks = message.content.map((part) => this.toolResultBlock(part));
          if (last?.toolResults) last.content.push(...blocks);
          else out.push({ role: 'user', content: blocks, toolResults: true });
          break;
        }
      }
    }
    return out;
  }

  /** A single uncached text block is sent as a plain string, as clients usually write it. */
  private static content(blocks: WireObject[]): string | WireObject[] {
    if (blocks.length === 1 && blocks[0].type === 'text' && blocks[0].cache_control === undefined) {
      return blocks[0].text as string;
    }
    return blocks;
  }

  build(): WireObject {
    const req = this.request;
    const system = [...req.system];
    const messages = this.messages(system);
    const body: WireObject = { model: req.model };
    const thinking = this.thinking();
    body.max_tokens = thinking.maxTokens;
    if (system.length > 0) {
      body.system =
        system.length === 1 && !system[0].cacheControl
          ? system[0].text
          : system.map((part) => this.textBlock(part));
    }
    body.messages = messages.map((message) => ({
      role: message.role,
      content: BodyBuilder.content(message.content),
    }));
    if (thinking.thinking) body.thinking = thinking.thinking;

    const s = req.sampling;
    if (thinking.thinking && thinking.thinking.type !== 'disabled') {
      if (s.temperature !== undefined || s.topP !== undefined || s.topK !== undefined) {
        this.warnOnce(
          'temperature, top_p and top_k were dropped: Anthropic does not accept them with thinking',
        );
      }
    } else {
      if (s.temperature !== undefined) body.temperature = s.temperature;
      if (s.topP !== undefined) {
        // Callers of other formats often send both; a Claude caller's own body is sent as given.
        if (s.temperature !== undefined && !this.fromClaude && refusesTemperatureWithTopP(req.model)) {
          this.warnOnce(`top_p was dropped: ${req.model} does not accept temperature and top_p together`);
        } else body.top_p = s.topP;
      }
      if (s.topK !== undefined) body.top_k = s.topK;
    }
    if (s.stop !== undefined && s.stop.length > 0) body.stop_sequences = s.stop;
    if (s.n !== undefined && s.n > 1) this.warnOnce('n > 1 was dropped: Anthropic returns one message');
    for (const [field, value] of [
      ['seed', s.seed],
      ['presence_penalty', s.presencePenalty],
      ['frequency_penalty', s.frequencyPenalty],
      ['logprobs', s.logprobs],
    ] as const) {
      if (value !== undefined) this.warnOnce(`${field} was dropped: Anthropic does not accept it`);
    }

    this.tools(body);
    if (!this.fromClaude) this.outputConfig(body);
    if (req.stream) body.stream = true;
    if (!this.fromClaude && req.user !== undefined) body.metadata = { user_id: req.user };
    if (!this.fromClaude && req.metadata !== undefined) {
      this.warnOnce('metadata was dropped: Anthropic accepts only metadata.user_id');
    }
    if (this.fromClaude && req.extra) {
      for (const [key, value] of Object.entries(req.extra)) if (!(key in body)) body[key] = value;
    }
    return body;
  }

  private tools(body: WireObject): void {
    const req = this.request;
    const tools: unknown[] = (req.tools ?? []).map((tool) => {
      const schema = tool.parameters ?? { type: 'object', properties: {} };
      const wire: WireObject = { name: tool.name };
      if (tool.description !== undefined) wire.description = tool.description;
      wire.input_schema = schema.type === undefined ? { type: 'object', ...schema } : schema;
      if (tool.strict !== undefined && this.fromClaude) wire.strict = tool.strict;
      return cache(wire, tool.cacheControl);
    });
    const serverTools = req.codecState?.[ANTHROPIC_SERVER_TOOLS_STATE];
    if (Array.isArray(serverTools)) tools.push(...serverTools);
    if (req.tools !== undefined || tools.length > 0) body.tools = tools;
    if (tools.length === 0) return;
    let choice: WireObject | undefined;
    const given = req.toolChoice;
    if (given === 'auto') choice = { type: 'auto' };
    else if (given === 'required') choice = { type: 'any' };
    else if (given === 'none') choice = { type: 'none' };
    else if (given !== undefined) choice = { type: 'tool', name: given.name };
    if (req.parallelToolCalls === false) {
      choice ??= { type: 'auto' };
      if (choice.type !== 'none') choice.disable_parallel_tool_use = true;
    } else if (req.parallelToolCalls === true && this.fromClaude && choice && choice.type !== 'none') {
      choice.disable_parallel_tool_use = false;
    }
    if (choice) body.tool_choice = choice;
  }

  private outputConfig(body: WireObject): void {
    const format = this.request.responseFormat;
    if (format?.type === 'json_schema') {
      body.output_config = { format: { type: 'json_schema', schema: format.schema ?? { type: 'object' } } };
    } else if (format?.type === 'json_object') {
      this.warnOnce('response_format json_object was dropped: Anthropic accepts only a JSON schema');
    }
  }

  /** The `thinking` parameter and the `max_tokens` that goes with it (which must exceed the budget). */
  private thinking(): { thinking?: WireObject; maxTokens: number } {
    const req = this.request;
    const given = req.sampling.maxTokens;
    const fallback = given ?? this.defaultMaxTokens;
    const reasoning = req.reasoning;
    if (!reasoning) return { maxTokens: fallback };
    if (this.fromClaude) {
      // The caller's own thinking setting, as it was given (effort stays in output_config).
      const display = req.codecState?.[ANTHROPIC_THINKING_DISPLAY_STATE];
      let thinking: WireObject | undefined;
      if (reasoning.enabled === false) thinking = { type: 'disabled' };
      else if (reasoning.budgetTokens !== undefined)
        thinking = { type: 'enabled', budget_tokens: reasoning.budgetTokens };
      else if (reasoning.enabled === true) thinking = { type: 'adaptive' };
      if (thinking && typeof display === 'string' && thinking.type !== 'disabled') thinking.display = display;
      return { thinking, maxTokens: fallback };
    }
    if (reasoning.enabled === false || reasoning.effort === 'none') return { maxTokens: fallback };
    let budget: number | undefined = reasoning.budgetTokens;
    if (budget === undefined && reasoning.effort !== undefined) {
      budget = THINKING_BUDGET_BY_EFFORT[reasoning.effort] ?? THINKING_BUDGET_BY_EFFORT.medium;
    }
    if (budget === undefined && reasoning.enabled === true) budget = MIN_THINKING_BUDGET;
    if (budget === undefined) return { maxTokens: fallback };
    budget = Math.max(MIN_THINKING_BUDGET, Math.floor(budget));
    const forced = req.toolChoice === 'required' || typeof req.toolChoice === 'object';
    if (forced) {
      this.warnOnce('thinking was not enabled: Anthropic does not allow it when a tool call is forced');
      return { maxTokens: fallback };
    }
    let maxTokens = fallback;
    if (maxTokens <= budget) {
      if (given === undefined) maxTokens = budget + this.defaultMaxTokens;
      else if (Math.floor(given / 2) >= MIN_THINKING_BUDGET) budget = Math.floor(given / 2);
      else {
        this.warnOnce(`thinking was not enabled: max_tokens ${given} leaves no room for a thinking budget`);
        return { maxTokens };
      }
    }
    return { thinking: { type: 'enabled', budget_tokens: budget }, maxTokens };
  }
}

/** Canonical request → the Anthropic Messages body, with warnings for what was dropped. */
export function buildAnthropicBody(
  request: CanonicalRequest,
  options: AnthropicAdapterOptions = {},
): { body: Record<string, unknown>; warnings: string[] } {
  const builder = new BodyBuilder(request, options.defaultMaxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS);
  const body = builder.build();
  return { body, warnings: builder.warnings };
}

/**
 * The headers of an Anthropic call: `x-api-key`, `anthropic-version` (the caller's when given, else 2023-06-01),
 * `anthropic-beta` when the caller sent one.
 */
export function anthropicHeaders(key: string, version?: string, beta?: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': version || DEFAULT_ANTHROPIC_VERSION,
  };
  if (key) headers['x-api-key'] = key;
  if (beta) headers['anthropic-beta'] = beta;
  return headers;
}

/** The full upstream call for Anthropic (14) / ClaudeCompatible (52): `{base}/v1/messages`, headers, JSON body. */
export function buildAnthropicRequest(
  request: CanonicalRequest,
  channel: UpstreamChannel,
  options: AnthropicAdapterOptions = {},
): UpstreamHttpRequest {
  const { body, warnings } = buildAnthropicBody(request, options);
  const state = request.codecState ?? {};
  const version = state[ANTHROPIC_VERSION_STATE];
  const beta = state[ANTHROPIC_BETA_STATE];
  return {
    url: anthropicMessagesUrl(channel.type, channel.baseUrl),
    method: 'POST',
    headers: anthropicHeaders(
      channel.key,
      typeof version === 'string' ? version : undefined,
      typeof beta === 'string' ? beta : undefined,
    ),
    body: JSON.stringify(body),
    warnings,
  };
}
