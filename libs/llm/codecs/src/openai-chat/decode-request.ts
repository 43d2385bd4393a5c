import {
  invalidRequest,
  isRecord,
  parseDataUrl,
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
import { fieldReaders } from '../shared/field-readers';

/** Codec state flag: the client used the legacy `functions` / `function_call` API and expects it back. */
export const LEGACY_FUNCTIONS_STATE = 'openaiLegacyFunctions';

/** Top-level fields the codec models; every other field is kept in `extra`. */
const MODELLED_FIELDS = new Set([
  'model',
  'modalities',
  'messages',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'n',
  'logprobs',
  'top_logprobs',
  'response_format',
  'reasoning_effort',
  'stream',
  'stream_options',
  'user',
  'metadata',
]);

const USER_PART_TYPES = 'text, image_url, input_audio, file';

function fail(path: string, problem: string, param = path.split(/[.[]/)[0]): never {
  throw invalidRequest(`${path} ${problem}`, param);
}

const { optionalNumber, optionalInteger, optionalBoolean, optionalString } = fieldReaders(fail);

function decodeCacheControl(value: unknown, path: string): CacheControl | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || value.type !== 'ephemeral') fail(path, 'must be {"type":"ephemeral"}');
  const ttl = value.ttl;
  if (ttl === undefined) return { type: 'ephemeral' };
  if (ttl !== '5m' && ttl !== '1h') fail(`${path}.ttl`, 'must be "5m" or "1h"');
  return { type: 'ephemeral', ttl };
}

function withCache<T extends { cacheControl?: CacheControl }>(part: T, source: JsonObject, path: string): T {
  const cacheControl = decodeCacheControl(source.cache_control, `${path}.cache_control`);
  if (cacheControl) part.cacheControl = cacheControl;
  return part;
}

function decodeTextPart(value: JsonObject, path: string): TextPart {
  if (typeof value.text !== 'string') fail(`${path}.text`, 'must be a string');
  return withCache<TextPart>({ type: 'text', text: value.text }, value, path);
}

/** Content that may only hold text: a string or an array of `text` parts. */
function decodeTextContent(content: unknown, path: string, allowRefusal = false): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) fail(path, 'must be a string or an array of content parts');
  const parts: TextPart[] = [];
  content.forEach((item, i) => {
    const partPath = `${path}[${i}]`;
    if (!isRecord(item)) fail(partPath, 'must be an object');
    if (item.type === 'text') parts.push(decodeTextPart(item, partPath));
    else if (allowRefusal && item.type === 'refusal' && typeof item.refusal === 'string') {
      parts.push({ type: 'text', text: item.refusal });
    } else fail(`${partPath}.type`, `must be ${allowRefusal ? 'text or refusal' : 'text'}`);
  });
  return parts;
}

function decodeImagePart(item: JsonObject, path: string): ImagePart {
  const imageUrl = item.image_url;
  const url = typeof imageUrl === 'string' ? imageUrl : isRecord(imageUrl) ? imageUrl.url : undefined;
  if (typeof url !== 'string' || url === '') fail(`${path}.image_url.url`, 'must be a non-empty string');
  const dataUrl = parseDataUrl(url);
  const part: ImagePart = {
    type: 'image',
    source: dataUrl
      ? { kind: 'base64', mediaType: dataUrl.mediaType, data: dataUrl.data }
      : { kind: 'url', url },
  };
  const detail = isRecord(imageUrl) ? imageUrl.detail : undefined;
  if (detail !== undefined && detail !== null) {
    if (detail !== 'auto' && detail !== 'low' && detail !== 'high') {
      fail(`${path}.image_url.detail`, 'must be auto, low or high');
    }
    part.detail = detail;
  }
  return withCache(part, item, path);
}

function decodeUserContent(content: unknown, path: string): UserPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) fail(path, 'must be a string or an array of content parts');
  return content.map((item, i): UserPart => {
    const partPath = `${path}[${i}]`;
    if (!isRecord(item)) fail(partPath, 'must be an object');
    switch (item.type) {
      case 'text':
        return decodeTextPart(item, partPath);
      case 'image_url':
        return decodeImagePart(item, partPath);
      case 'input_audio': {
        const audio = item.input_audio;
        if (!isRecord(audio) || typeof audio.data !== 'string' || typeof audio.format !== 'string') {
          fail(`${partPath}.input_audio`, 'must have string data and format');
        }
        return withCache<UserPart>({ type: 'audio', data: audio.data, format: audio.format }, item, partPath);
      }
      case 'file': {
        const file = item.file;
        if (!isRecord(file)) fail(`${partPath}.file`, 'must be an object');
        const part: UserPart = { type: 'file' };
        if (typeof file.file_id === 'string') part.fileId = file.file_id;
        if (typeof file.filename === 'string') part.filename = file.filename;
        if (typeof file.file_data === 'string') {
          const dataUrl = parseDataUrl(file.file_data);
          if (dataUrl) {
            part.mediaType = dataUrl.mediaType;
            part.data = dataUrl.data;
          } else part.data = file.file_data;
        }
        if (part.fileId === undefined && part.data === undefined) {
          fail(`${partPath}.file`, 'must have file_id or file_data');
        }
        return withCache(part, item, partPath);
      }
      default:
        return fail(`${partPath}.type`, `must be one of ${USER_PART_TYPES}`);
    }
  });
}

interface LegacyCallIds {
  /** Most recent legacy function_call id by function name. */
  byName: Map<string, string>;
  counter: number;
}

function decodeAssistant(message: JsonObject, path: string, legacy: LegacyCallIds): CanonicalMessage {
  const content: AssistantPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
  content.push(...decodeTextContent(message.content, `${path}.content`, true));
  const toolCalls = message.tool_calls;
  if (toolCalls !== undefined && toolCalls !== null) {
    if (!Array.isArray(toolCalls)) fail(`${path}.tool_calls`, 'must be an array');
    toolCalls.forEach((call, i) => {
      const callPath = `${path}.tool_calls[${i}]`;
      if (!isRecord(call)) fail(callPath, 'must be an object');
      if (typeof call.id !== 'string') fail(`${callPath}.id`, 'must be a string');
      const fn = call.function;
      if (!isRecord(fn) || typeof fn.name !== 'string') fail(`${callPath}.function.name`, 'must be a string');
      const args = fn.arguments === undefined || fn.arguments === null ? '' : fn.arguments;
      if (typeof args !== 'string') fail(`${callPath}.function.arguments`, 'must be a JSON string');
      content.push({ type: 'tool-call', id: call.id, name: fn.name, arguments: args });
    });
  }
  const functionCall = message.function_call;
  if (functionCall !== undefined && functionCall !== null) {
    if (!isRecord(functionCall) || typeof functionCall.name !== 'string') {
      fail(`${path}.function_call.name`, 'must be a string');
    }
    const id = `call_legacy_${legacy.counter++}`;
    legacy.byName.set(functionCall.name, id);
    const args = typeof functionCall.arguments === 'string' ? functionCall.arguments : '';
    content.push({ type: 'tool-call', id, name: functionCall.name, arguments: args });
  }
  const result: CanonicalMessage = { role: 'assistant', content };
  if (typeof message.name === 'string') result.name = message.name;
  return result;
}

function toolResultContent(content: unknown, path: string): TextPart[] {
  return decodeTextContent(content, path);
}

function decodeMessages(raw: unknown, system: TextPart[]): CanonicalMessage[] {
  if (!Array.isArray(raw) || raw.length === 0) fail('messages', 'must be a non-empty array');
  const messages: CanonicalMessage[] = [];
  const legacy: LegacyCallIds = { byName: new Map(), counter: 0 };
  const pushToolResult = (part: ToolResultPart) => {
    const last = messages[messages.length - 1];
    if (last && last.role === 'tool') last.content.push(part);
    else messages.push({ role: 'tool', content: [part] });
  };
  raw.forEach((message, i) => {
    const path = `messages[${i}]`;
    if (!isRecord(message)) fail(path, 'must be an object');
    switch (message.role) {
      case 'system':
      case 'developer': {
        const parts = decodeTextContent(message.content, `${path}.content`);
        if (messages.length === 0) system.push(...parts);
        else messages.push({ role: 'system', content: parts });
        break;
      }
      case 'user': {
        if (message.content === undefined || message.content === null) fail(`${path}.content`, 'is required');
        const user: CanonicalMessage = {
          role: 'user',
          content: decodeUserContent(message.content, `${path}.content`),
        };
        if (typeof message.name === 'string') user.name = message.name;
        messages.push(user);
        break;
      }
      case 'assistant':
        messages.push(decodeAssistant(message, path, legacy));
        break;
      case 'tool': {
        if (typeof message.tool_call_id !== 'string' || message.tool_call_id === '') {
          fail(`${path}.tool_call_id`, 'must be a non-empty string');
        }
        pushToolResult({
          type: 'tool-result',
          toolCallId: message.tool_call_id,
          content: toolResultContent(message.content, `${path}.content`),
        });
        break;
      }
      case 'function': {
        if (typeof message.name !== 'string') fail(`${path}.name`, 'must be a string');
        const id = legacy.byName.get(message.name) ?? `call_legacy_${legacy.counter++}`;
        pushToolResult({
          type: 'tool-result',
          toolCallId: id,
          name: message.name,
          content: toolResultContent(message.content, `${path}.content`),
        });
        break;
      }
      default:
        fail(`${path}.role`, 'must be one of system, developer, user, assistant, tool, function');
    }
  });
  return messages;
}

function decodeFunctionDefinition(fn: unknown, path: string): ToolDefinition {
  if (!isRecord(fn) || typeof fn.name !== 'string' || fn.name === '')
    fail(`${path}.name`, 'must be a non-empty string');
  const tool: ToolDefinition = { name: fn.name };
  if (typeof fn.description === 'string') tool.description = fn.description;
  if (fn.parameters !== undefined && fn.parameters !== null) {
    if (!isRecord(fn.parameters)) fail(`${path}.parameters`, 'must be a JSON Schema object');
    tool.parameters = fn.parameters;
  }
  if (typeof fn.strict === 'boolean') tool.strict = fn.strict;
  return tool;
}

function decodeTools(body: JsonObject): ToolDefinition[] | undefined {
  const tools: ToolDefinition[] = [];
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) fail('tools', 'must be an array');
    body.tools.forEach((tool, i) => {
      const path = `tools[${i}]`;
      if (!isRecord(tool)) fail(path, 'must be an object');
      if (tool.type !== 'function')
        fail(`${path}.type`, `"${String(tool.type)}" is not supported; use "function"`);
      const decoded = decodeFunctionDefinition(tool.function, `${path}.function`);
      const cacheControl = decodeCacheControl(tool.cache_control, `${path}.cache_control`);
      if (cacheControl) decoded.cacheControl = cacheControl;
      tools.push(decoded);
    });
  }
  if (body.functions !== undefined && body.functions !== null) {
    if (!Array.isArray(body.functions)) fail('functions', 'must be an array');
    body.functions.forEach((fn, i) => tools.push(decodeFunctionDefinition(fn, `functions[${i}]`)));
  }
  return body.tools === undefined && body.functions === undefined ? undefined : tools;
}

function decodeToolChoice(body: JsonObject): ToolChoice | undefined {
  const choice = body.tool_choice ?? body.function_call;
  const field = body.tool_choice !== undefined && body.tool_choice !== null ? 'tool_choice' : 'function_call';
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isRecord(choice)) {
    const name = isRecord(choice.function) ? choice.function.name : choice.name;
    if (typeof name === 'string' && name !== '') return { type: 'tool', name };
  }
  return fail(field, 'must be "auto", "none", "required" or {"type":"function","function":{"name":...}}');
}

function decodeStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return fail('stop', 'must be a string or an array of strings');
}

function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) fail('response_format', 'must be an object');
  switch (value.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const spec = value.json_schema;
      if (!isRecord(spec) || typeof spec.name !== 'string' || spec.name === '') {
        fail('response_format.json_schema.name', 'must be a non-empty string');
      }
      const format: ResponseFormat = { type: 'json_schema', name: spec.name };
      if (spec.schema !== undefined) {
        if (!isRecord(spec.schema))
          fail('response_format.json_schema.schema', 'must be a JSON Schema object');
        format.schema = spec.schema;
      }
      if (typeof spec.strict === 'boolean') format.strict = spec.strict;
      if (typeof spec.description === 'string') format.description = spec.description;
      return format;
    }
    default:
      return fail('response_format.type', 'must be text, json_object or json_schema');
  }
}

function decodeSampling(body: JsonObject): SamplingSettings {
  const sampling: SamplingSettings = {};
  const maxTokens = optionalInteger(body, 'max_completion_tokens') ?? optionalInteger(body, 'max_tokens');
  if (maxTokens !== undefined) sampling.maxTokens = maxTokens;
  const set = <K extends keyof SamplingSettings>(key: K, value: SamplingSettings[K] | undefined) => {
    if (value !== undefined) sampling[key] = value;
  };
  set('temperature', optionalNumber(body, 'temperature'));
  set('topP', optionalNumber(body, 'top_p'));
  set('topK', optionalInteger(body, 'top_k'));
  set('stop', decodeStop(body.stop));
  set('seed', optionalInteger(body, 'seed'));
  set('presencePenalty', optionalNumber(body, 'presence_penalty'));
  set('frequencyPenalty', optionalNumber(body, 'frequency_penalty'));
  set('n', optionalInteger(body, 'n'));
  set('logprobs', optionalBoolean(body, 'logprobs'));
  set('topLogprobs', optionalInteger(body, 'top_logprobs'));
  return sampling;
}

/** Decodes an OpenAI ChatCompletion request body into the canonical request. */
export function decodeOpenAiChatRequest(body: unknown): CanonicalRequest {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') fail('model', 'must be a non-empty string');
  const system: TextPart[] = [];
  const messages = decodeMessages(body.messages, system);
  const request: CanonicalRequest = {
    model: body.model,
    system,
    messages,
    sampling: decodeSampling(body),
    stream: optionalBoolean(body, 'stream') ?? false,
    sourceFormat: 'openai-chat',
  };
  const tools = decodeTools(body);
  if (tools) request.tools = tools;
  const toolChoice = decodeToolChoice(body);
  if (toolChoice) request.toolChoice = toolChoice;
  const parallel = optionalBoolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat) request.responseFormat = responseFormat;
  const effort = optionalString(body, 'reasoning_effort');
  if (effort !== undefined) request.reasoning = { effort };
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!isRecord(streamOptions)) fail('stream_options', 'must be an object');
    const include = streamOptions.include_usage;
    if (include !== undefined && include !== null && typeof include !== 'boolean') {
      fail('stream_options.include_usage', 'must be a boolean');
    }
    if (include === true) request.includeUsage = true;
    else if (include === false) request.includeUsage = false;
  }
  if (body.modalities !== undefined && body.modalities !== null) {
    if (!Array.isArray(body.modalities) || !body.modalities.every((m) => typeof m === 'string'))
      fail('modalities', 'must be an array of strings');
    request.outputModalities = body.modalities as string[];
  }
  const user = optionalString(body, 'user');
  if (user !== undefined) request.user = user;
  if (body.metadata !== undefined && body.metadata !== null) {
    if (!isRecord(body.metadata) || !Object.values(body.metadata).every((v) => typeof v === 'string')) {
      fail('metadata', 'must be an object of string values');
    }
    request.metadata = body.metadata as Record<string, string>;
  }
  if (body.functions !== undefined || body.function_call !== undefined) {
    if (body.tools === undefined) request.codecState = { [LEGACY_FUNCTIONS_STATE]: true };
  }
  let extra: Record<string, unknown> | undefined;
  for (const key of Object.keys(body)) {
    if (MODELLED_FIELDS.has(key)) continue;
    (extra ??= {})[key] = body[key];
  }
  if (extra) request.extra = extra;
  return request;
}
