import {
  invalidRequest,
  isRecord,
  type AssistantPart,
  type CacheControl,
  type CanonicalMessage,
  type CanonicalRequest,
  type ImagePart,
  type JsonObject,
  type ResponseFormat,
  type SamplingSettings,
  type TextPart,
  type ToolChoice,
  type ToolDefinition,
  type ToolResultPart,
  type UserPart,
} from '@one-api/llm-core';
import { ANTHROPIC_SERVER_TOOLS_STATE, ANTHROPIC_THINKING_DISPLAY_STATE } from './request-state';
import { fieldReaders, ANTHROPIC_FIELD_MESSAGES } from '../shared/field-readers';

/** Top-level fields the codec models; every other field is kept verbatim in `extra`. */
const MODELLED_FIELDS = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'tools',
  'tool_choice',
  'thinking',
  'metadata',
]);

/**
 * Modelled fields that are ALSO kept in `extra` so an Anthropic upstream gets them exactly as sent:
 * `metadata` (canonical keeps only `user_id`, as `user`) and `output_config` (canonical keeps effort and format).
 */
const ALSO_EXTRA = new Set(['metadata', 'output_config']);

export interface DecodeAnthropicOptions {
  /** Reject a missing `max_tokens` (Messages); `count_tokens` does not need it. Default true. */
  requireMaxTokens?: boolean;
  /**
   * Turn content the canonical model cannot hold (server tool blocks, search results, ...) into JSON text instead of
   * rejecting it. Only for token counting: the text is not what the model would see.
   */
  lenient?: boolean;
}

function topField(path: string): string {
  return path.split('.')[0];
}

function fail(path: string, problem: string): never {
  throw invalidRequest(`${path}: ${problem}`, topField(path));
}

const { optionalNumber, optionalInteger } = fieldReaders(fail, ANTHROPIC_FIELD_MESSAGES);

function decodeCacheControl(value: unknown, path: string): CacheControl | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || value.type !== 'ephemeral') fail(path, 'must be {"type": "ephemeral"}');
  const ttl = value.ttl;
  if (ttl === undefined || ttl === null) return { type: 'ephemeral' };
  if (ttl !== '5m' && ttl !== '1h') fail(`${path}.ttl`, "Input should be '5m' or '1h'");
  return { type: 'ephemeral', ttl };
}

function withCache<T extends { cacheControl?: CacheControl }>(part: T, block: JsonObject, path: string): T {
  const cacheControl = decodeCacheControl(block.cache_control, `${path}.cache_control`);
  if (cacheControl) part.cacheControl = cacheControl;
  return part;
}

function blockType(block: unknown, path: string): string {
  if (!isRecord(block)) fail(path, 'Input should be a valid dictionary');
  if (typeof block.type !== 'string') fail(`${path}.type`, 'Field required');
  return block.type;
}

function decodeText(block: JsonObject, path: string): TextPart {
  if (typeof block.text !== 'string') fail(`${path}.text`, 'Input should be a valid string');
  return withCache<TextPart>({ type: 'text', text: block.text }, block, path);
}

function decodeImage(block: JsonObject, path: string): ImagePart {
  const source = block.source;
  if (!isRecord(source)) fail(`${path}.source`, 'Field required');
  let part: ImagePart;
  if (source.type === 'base64') {
    if (typeof source.media_type !== 'string') fail(`${path}.source.media_type`, 'Field required');
    if (typeof source.data !== 'string') fail(`${path}.source.data`, 'Field required');
    part = { type: 'image', source: { kind: 'base64', mediaType: source.media_type, data: source.data } };
  } else if (source.type === 'url') {
    if (typeof source.url !== 'string' || source.url === '') fail(`${path}.source.url`, 'Field required');
    part = { type: 'image', source: { kind: 'url', url: source.url } };
  } else if (source.type === 'file') {
    fail(`${path}.source`, 'images from the Files API can only be sent to an Anthropic channel');
  } else {
    fail(`${path}.source.type`, "Input should be 'base64' or 'url'");
  }
  return withCache(part, block, path);
}

/** A `document` block: PDFs and file ids become file parts, text documents become text. */
function decodeDocument(block: JsonObject, path: string): UserPart[] {
  const source = block.source;
  if (!isRecord(source)) fail(`${path}.source`, 'Field required');
  const title = typeof block.title === 'string' && block.title !== '' ? block.title : undefined;
  switch (source.type) {
    case 'base64': {
      if (typeof source.data !== 'string') fail(`${path}.source.data`, 'Field required');
      const mediaType = typeof source.media_type === 'string' ? source.media_type : 'application/pdf';
      const part: UserPart = { type: 'file', data: source.data, mediaType };
      if (title) part.filename = title;
      return [withCache(part, block, path)];
    }
    case 'url': {
      if (typeof source.url !== 'string' || source.url === '') fail(`${path}.source.url`, 'Field required');
      const part: UserPart = { type: 'file', url: source.url, mediaType: 'application/pdf' };
      if (title) part.filename = title;
      return [withCache(part, block, path)];
    }
    case 'file': {
      if (typeof source.file_id !== 'string') fail(`${path}.source.file_id`, 'Field required');
      const part: UserPart = { type: 'file', fileId: source.file_id };
      if (title) part.filename = title;
      return [withCache(part, block, path)];
    }
    case 'text': {
      if (typeof source.data !== 'string') fail(`${path}.source.data`, 'Field required');
      return [withCache<TextPart>({ type: 'text', text: source.data }, block, path)];
    }
    case 'content': {
      const content = source.content;
      if (typeof content === 'string')
        return [withCache<TextPart>({ type: 'text', text: content }, block, path)];
      if (!Array.isArray(content)) fail(`${path}.source.content`, 'Input should be a string or a list');
      const parts = content.map((inner, i): UserPart => {
        const innerPath = `${path}.source.content.${i}`;
        const type = blockType(inner, innerPath);
        if (type === 'text') return decodeText(inner as JsonObject, innerPath);
        if (type === 'image') return decodeImage(inner as JsonObject, innerPath);
        return fail(`${innerPath}.type`, "Input should be 'text' or 'image'");
      });
      const last = parts[parts.length - 1];
      if (last) withCache(last, block, path);
      return parts;
    }
    default:
      return fail(`${path}.source.type`, "Input should be 'base64', 'url', 'text', 'content' or 'file'");
  }
}

function unsupported(block: JsonObject, path: string, lenient: boolean, where: string): TextPart {
  if (lenient) return { type: 'text', text: JSON.stringify(block) };
  return fail(
    `${path}.type`,
    `"${String(block.type)}" blocks in ${where} can only be sent to an Anthropic channel`,
  );
}

function decodeToolResultContent(
  content: unknown,
  path: string,
  lenient: boolean,
): Array<TextPart | ImagePart> {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) fail(path, 'Input should be a string or a list of content blocks');
  const parts: Array<TextPart | ImagePart> = [];
  content.forEach((block, i) => {
    const blockPath = `${path}.${i}`;
    const type = blockType(block, blockPath);
    const item = block as JsonObject;
    if (type === 'text') parts.push(decodeText(item, blockPath));
    else if (type === 'image') parts.push(decodeImage(item, blockPath));
    else if (type === 'document') {
      for (const part of decodeDocument(item, blockPath)) {
        if (part.type === 'text' || part.type === 'image') parts.push(part);
        else parts.push(unsupported(item, blockPath, lenient, 'tool results (other than text documents)'));
      }
    } else parts.push(unsupported(item, blockPath, lenient, 'tool results'));
  });
  return parts;
}

function decodeToolResult(block: JsonObject, path: string, lenient: boolean): ToolResultPart {
  if (typeof block.tool_use_id !== 'string' || block.tool_use_id === '') {
    fail(`${path}.tool_use_id`, 'Field required');
  }
  const part: ToolResultPart = {
    type: 'tool-result',
    toolCallId: block.tool_use_id,
    content: decodeToolResultContent(block.content, `${path}.content`, lenient),
  };
  if (block.is_error === true) part.isError = true;
  else if (block.is_error !== undefined && block.is_error !== null && typeof block.is_error !== 'boolean') {
    fail(`${path}.is_error`, 'Input should be a valid boolean');
  }
  return withCache(part, block, path);
}

interface Emit {
  user(part: UserPart): void;
  toolResult(part: ToolResultPart): void;
}

/** Splits one Claude user turn into canonical tool messages (tool_result blocks) and user messages, in order. */
function decodeUserTurn(content: unknown, path: string, out: CanonicalMessage[], lenient: boolean): void {
  let current: CanonicalMessage | undefined;
  const emit: Emit = {
    user(part) {
      if (!current || current.role !== 'user') {
        current = { role: 'user', content: [] };
        out.push(current);
      }
      current.content.push(part);
    },
    toolResult(part) {
      if (!current || current.role !== 'tool') {
        current = { role: 'tool', content: [] };
        out.push(current);
      }
      current.content.push(part);
    },
  };
  if (typeof content === 'string') {
    emit.user({ type: 'text', text: content });
    return;
  }
  if (!Array.isArray(content)) fail(path, 'Input should be a valid string or list');
  if (content.length === 0) out.push({ role: 'user', content: [] });
  content.forEach((block, i) => {
    const blockPath = `${path}.${i}`;
    const type = blockType(block, blockPath);
    const item = block as JsonObject;
    switch (type) {
      case 'text':
        emit.user(decodeText(item, blockPath));
        break;
      case 'image':
        emit.user(decodeImage(item, blockPath));
        break;
      case 'document':
        for (const part of decodeDocument(item, blockPath)) emit.user(part);
        break;
      case 'tool_result':
        emit.toolResult(decodeToolResult(item, blockPath, lenient));
        break;
      default:
        emit.user(unsupported(item, blockPath, lenient, 'user messages'));
    }
  });
}

function decodeAssistantTurn(content: unknown, path: string, lenient: boolean): CanonicalMessage {
  if (typeof content === 'string') return { role: 'assistant', content: [{ type: 'text', text: content }] };
  if (!Array.isArray(content)) fail(path, 'Input should be a valid string or list');
  const parts: AssistantPart[] = content.map((block, i): AssistantPart => {
    const blockPath = `${path}.${i}`;
    const type = blockType(block, blockPath);
    const item = block as JsonObject;
    switch (type) {
      case 'text':
        return decodeText(item, blockPath);
      case 'thinking': {
        if (typeof item.thinking !== 'string') fail(`${blockPath}.thinking`, 'Field required');
        const part: AssistantPart = { type: 'reasoning', text: item.thinking };
        if (typeof item.signature === 'string' && item.signature !== '') part.signature = item.signature;
        return withCache(part, item, blockPath);
      }
      case 'redacted_thinking': {
        if (typeof item.data !== 'string') fail(`${blockPath}.data`, 'Field required');
        return withCache<AssistantPart>(
          { type: 'reasoning', text: item.data, redacted: true },
          item,
          blockPath,
        );
      }
      case 'tool_use': {
        if (typeof item.id !== 'string' || item.id === '') fail(`${blockPath}.id`, 'Field required');
        if (typeof item.name !== 'string' || item.name === '') fail(`${blockPath}.name`, 'Field required');
        const input = item.input === undefined ? {} : item.input;
        return withCache<AssistantPart>(
          { type: 'tool-call', id: item.id, name: item.name, arguments: JSON.stringify(input) },
          item,
          blockPath,
        );
      }
      default:
        return unsupported(item, blockPath, lenient, 'assistant messages');
    }
  });
  return { role: 'assistant', content: parts };
}

function decodeMessages(raw: unknown, lenient: boolean): CanonicalMessage[] {
  if (raw === undefined || raw === null) fail('messages', 'Field required');
  if (!Array.isArray(raw)) fail('messages', 'Input should be a valid list');
  if (raw.length === 0) fail('messages', 'at least one message is required');
  const out: CanonicalMessage[] = [];
  raw.forEach((message, i) => {
    const path = `messages.${i}`;
    if (!isRecord(message)) fail(path, 'Input should be a valid dictionary');
    if (message.content === undefined || message.content === null) fail(`${path}.content`, 'Field required');
    if (message.role === 'user') decodeUserTurn(message.content, `${path}.content`, out, lenient);
    else if (message.role === 'assistant')
      out.push(decodeAssistantTurn(message.content, `${path}.content`, lenient));
    else if (message.role === 'system') {
      fail(
        `${path}.role`,
        'Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.',
      );
    } else fail(`${path}.role`, "Input should be 'user' or 'assistant'");
  });
  return out;
}

function decodeSystem(value: unknown): TextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  if (!Array.isArray(value)) fail('system', 'Input should be a valid string or list of text blocks');
  return value.map((block, i) => {
    const path = `system.${i}`;
    if (blockType(block, path) !== 'text') fail(`${path}.type`, "Input should be 'text'");
    return decodeText(block as JsonObject, path);
  });
}

function decodeTools(value: unknown, serverTools: unknown[]): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail('tools', 'Input should be a valid list');
  const tools: ToolDefinition[] = [];
  value.forEach((tool, i) => {
    const path = `tools.${i}`;
    if (!isRecord(tool)) fail(path, 'Input should be a valid dictionary');
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      // Server tools (web_search, code_execution, ...) and Anthropic-defined client tools (bash, text_editor, ...).
      serverTools.push(tool);
      return;
    }
    if (typeof tool.name !== 'string' || tool.name === '') fail(`${path}.name`, 'Field required');
    if (!isRecord(tool.input_schema)) fail(`${path}.input_schema`, 'Field required');
    const decoded: ToolDefinition = { name: tool.name, parameters: tool.input_schema };
    if (typeof tool.description === 'string') decoded.description = tool.description;
    if (typeof tool.strict === 'boolean') decoded.strict = tool.strict;
    tools.push(withCache(decoded, tool, path));
  });
  return tools;
}

function decodeToolChoice(value: unknown): { choice?: ToolChoice; parallel?: boolean } {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) fail('tool_choice', 'Input should be a valid dictionary');
  let choice: ToolChoice;
  switch (value.type) {
    case 'auto':
      choice = 'auto';
      break;
    case 'any':
      choice = 'required';
      break;
    case 'none':
      choice = 'none';
      break;
    case 'tool':
      if (typeof value.name !== 'string' || value.name === '') fail('tool_choice.name', 'Field required');
      choice = { type: 'tool', name: value.name };
      break;
    default:
      return fail('tool_choice.type', "Input should be 'auto', 'any', 'tool' or 'none'");
  }
  const disable = value.disable_parallel_tool_use;
  if (disable === undefined || disable === null) return { choice };
  if (typeof disable !== 'boolean')
    fail('tool_choice.disable_parallel_tool_use', 'Input should be a valid boolean');
  return { choice, parallel: !disable };
}

function decodeThinking(value: unknown, request: CanonicalRequest, state: Record<string, unknown>): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) fail('thinking', 'Input should be a valid dictionary');
  switch (value.type) {
    case 'enabled': {
      const budget = value.budget_tokens;
      if (typeof budget !== 'number' || !Number.isInteger(budget)) {
        fail('thinking.enabled.budget_tokens', 'Field required');
      }
      request.reasoning = { ...request.reasoning, enabled: true, budgetTokens: budget };
      break;
    }
    case 'adaptive':
      request.reasoning = { ...request.reasoning, enabled: true };
      break;
    case 'disabled':
      request.reasoning = { ...request.reasoning, enabled: false };
      break;
    default:
      fail('thinking.type', "Input should be 'enabled', 'disabled' or 'adaptive'");
  }
  if (typeof value.display === 'string') state[ANTHROPIC_THINKING_DISPLAY_STATE] = value.display;
}

/** `output_config`: `effort` → reasoning effort, `format` json_schema → response format. */
function decodeOutputConfig(value: unknown, request: CanonicalRequest): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) fail('output_config', 'Input should be a valid dictionary');
  if (typeof value.effort === 'string') request.reasoning = { ...request.reasoning, effort: value.effort };
  const format = value.format;
  if (format === undefined || format === null) return;
  if (!isRecord(format) || format.type !== 'json_schema')
    fail('output_config.format.type', "Input should be 'json_schema'");
  if (!isRecord(format.schema)) fail('output_config.format.schema', 'Field required');
  const responseFormat: ResponseFormat = { type: 'json_schema', name: 'output', schema: format.schema };
  request.responseFormat = responseFormat;
}

function decodeStopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return fail('stop_sequences', 'Input should be a valid list of strings');
}

function decodeSampling(body: JsonObject, requireMaxTokens: boolean): SamplingSettings {
  const sampling: SamplingSettings = {};
  const maxTokens = optionalInteger(body, 'max_tokens');
  if (maxTokens === undefined) {
    if (requireMaxTokens) fail('max_tokens', 'Field required');
  } else {
    if (maxTokens < 1) fail('max_tokens', 'Input should be greater than or equal to 1');
    sampling.maxTokens = maxTokens;
  }
  const temperature = optionalNumber(body, 'temperature');
  if (temperature !== undefined) sampling.temperature = temperature;
  const topP = optionalNumber(body, 'top_p');
  if (topP !== undefined) sampling.topP = topP;
  const topK = optionalInteger(body, 'top_k');
  if (topK !== undefined) sampling.topK = topK;
  const stop = decodeStopSequences(body.stop_sequences);
  if (stop !== undefined) sampling.stop = stop;
  return sampling;
}

/**
 * Decodes a Claude Messages request body (`POST /v1/messages`) into the canonical request.
 * - `system` (string or text blocks) → `system` parts with cache hints;
 * - a user turn is split in order into `tool` messages (its `tool_result` blocks) and `user` messages (text, image,
 *   document); an assistant turn keeps text, thinking (with signature), redacted thinking and tool_use (input as JSON);
 * - custom tools → tool definitions; server / Anthropic-defined tools go to `codecState.anthropicServerTools`;
 * - `tool_choice` any → required, `disable_parallel_tool_use` → `parallelToolCalls: false`;
 * - `thinking` → reasoning (enabled + budget, adaptive → enabled, disabled); `output_config` effort / format;
 * - `metadata.user_id` → `user`; a streamed request always wants usage (`includeUsage`).
 * Every other top-level field is kept verbatim in `extra` (and `metadata` / `output_config` too).
 * Throws a GatewayError of kind `invalid-request` naming the bad field, e.g. `max_tokens: Field required`.
 */
export function decodeAnthropicMessagesRequest(
  body: unknown,
  options: DecodeAnthropicOptions = {},
): CanonicalRequest {
  const lenient = options.lenient ?? false;
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') fail('model', 'Field required');
  const sampling = decodeSampling(body, options.requireMaxTokens ?? true);
  const stream = body.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    fail('stream', 'Input should be a valid boolean');
  }
  const request: CanonicalRequest = {
    model: body.model,
    system: decodeSystem(body.system),
    messages: decodeMessages(body.messages, lenient),
    sampling,
    stream: stream === true,
    sourceFormat: 'anthropic-messages',
  };
  if (request.stream) request.includeUsage = true;
  const state: Record<string, unknown> = {};
  const serverTools: unknown[] = [];
  const tools = decodeTools(body.tools, serverTools);
  if (tools) request.tools = tools;
  if (serverTools.length > 0) state[ANTHROPIC_SERVER_TOOLS_STATE] = serverTools;
  const { choice, parallel } = decodeToolChoice(body.tool_choice);
  if (choice) request.toolChoice = choice;
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  decodeThinking(body.thinking, request, state);
  decodeOutputConfig(body.output_config, request);
  if (body.metadata !== undefined && body.metadata !== null) {
    if (!isRecord(body.metadata)) fail('metadata', 'Input should be a valid dictionary');
    const userId = body.metadata.user_id;
    if (userId !== undefined && userId !== null && typeof userId !== 'string') {
      fail('metadata.user_id', 'Input should be a valid string');
    }
    if (typeof userId === 'string' && userId !== '') request.user = userId;
  }
  let extra: Record<string, unknown> | undefined;
  for (const key of Object.keys(body)) {
    if (MODELLED_FIELDS.has(key) && !ALSO_EXTRA.has(key)) continue;
    if (body[key] === undefined) continue;
    (extra ??= {})[key] = body[key];
  }
  if (extra) request.extra = extra;
  if (Object.keys(state).length > 0) request.codecState = state;
  return request;
}
