import {
  invalidRequest,
  isRecord,
  parseDataUrl,
  type AssistantMessage,
  type AssistantPart,
  type CanonicalMessage,
  type CanonicalRequest,
  type FilePart,
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

/** Key of the Responses codec's notes in `CanonicalRequest.codecState`. */
export const RESPONSES_STATE = 'openaiResponses';

/** Request fields echoed on every `response` object (OpenAI repeats the request's settings there). */
export interface ResponsesEcho {
  background: boolean;
  instructions: unknown;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  prompt_cache_key: string | null;
  reasoning: unknown;
  safety_identifier: string | null;
  service_tier: string | null;
  store: boolean;
  temperature: number | null;
  text: unknown;
  tool_choice: unknown;
  tools: unknown[];
  top_logprobs: number | null;
  top_p: number | null;
  truncation: string | null;
  user: string | null;
  metadata: Record<string, string>;
}

export interface ResponsesCodecState {
  echo: ResponsesEcho;
  /** Names of `custom` (free-form input) tools: their calls are answered as `custom_tool_call` items. */
  customTools: string[];
  /** Hosted tools (web_search, file_search, …) left out because the request is converted for another API. */
  droppedTools: string[];
}

export interface DecodeResponsesOptions {
  /**
   * `convert` (default): the request is about to be converted for a channel that does not speak Responses, so
   * server-side state it cannot have is refused with a 400 naming the field (`previous_response_id`,
   * `conversation`, `prompt`, `background`, `item_reference` inputs, a forced hosted tool) and hosted tools are
   * left out (listed in `codecState.openaiResponses.droppedTools`).
   * `native`: nothing is refused; hosted tools and the stateful fields are kept in `extra` for a
   * Responses-native upstream (`extra.tools` then holds the non-function tools).
   */
  mode?: 'convert' | 'native';
}

/** Top-level fields the codec models; every other field is kept in `extra`. */
const MODELLED_FIELDS = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'text',
  'reasoning',
  'max_output_tokens',
  'temperature',
  'top_p',
  'stream',
  'user',
  'metadata',
]);

/** Fields that only a Responses upstream holding server-side state can honour. */
const STATEFUL_FIELDS = ['previous_response_id', 'conversation', 'prompt'] as const;

/** Tool types that are OpenAI-hosted (run by the provider, not by the client). */
const FUNCTION_LIKE_TOOLS = new Set(['function', 'custom']);

function fail(path: string, problem: string, param = path.split(/[.[]/)[0]): never {
  throw invalidRequest(`${path} ${problem}`, param);
}

const { optionalNumber, optionalInteger, optionalBoolean, optionalString } = fieldReaders(fail);

function textOf(item: JsonObject, path: string): string {
  if (typeof item.text !== 'string') fail(`${path}.text`, 'must be a string');
  return item.text;
}

function decodeImage(item: JsonObject, path: string): ImagePart | FilePart {
  const detail = item.detail;
  if (detail !== undefined && detail !== null && detail !== 'auto' && detail !== 'low' && detail !== 'high') {
    // `original` (and future values) have no canonical equivalent: the upstream's default applies.
    if (typeof detail !== 'string') fail(`${path}.detail`, 'must be a string');
  }
  const url = item.image_url;
  if (typeof url === 'string' && url !== '') {
    const dataUrl = parseDataUrl(url);
    const part: ImagePart = {
      type: 'image',
      source: dataUrl
        ? { kind: 'base64', mediaType: dataUrl.mediaType, data: dataUrl.data }
        : { kind: 'url', url },
    };
    if (detail === 'auto' || detail === 'low' || detail === 'high') part.detail = detail;
    return part;
  }
  if (typeof item.file_id === 'string' && item.file_id !== '') return { type: 'file', fileId: item.file_id };
  return fail(`${path}.image_url`, 'must be a non-empty string (or give file_id)');
}

function decodeFile(item: JsonObject, path: string): FilePart {
  const part: FilePart = { type: 'file' };
  if (typeof item.file_id === 'string' && item.file_id !== '') part.fileId = item.file_id;
  if (typeof item.filename === 'string') part.filename = item.filename;
  if (typeof item.file_data === 'string' && item.file_data !== '') {
    const dataUrl = parseDataUrl(item.file_data);
    if (dataUrl) {
      part.mediaType = dataUrl.mediaType;
      part.data = dataUrl.data;
    } else part.data = item.file_data;
  }
  if (typeof item.file_url === 'string' && item.file_url !== '') part.url = item.file_url;
  if (part.fileId === undefined && part.data === undefined && part.url === undefined) {
    fail(path, 'must have file_id, file_data or file_url');
  }
  return part;
}

/** Content of a user / system / developer message: a string or input_text / input_image / input_file parts. */
function decodeInputContent(content: unknown, path: string): UserPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) fail(path, 'must be a string or an array of content parts');
  return content.map((item, i): UserPart => {
    const partPath = `${path}[${i}]`;
    if (!isRecord(item)) fail(partPath, 'must be an object');
    switch (item.type) {
      case 'input_text':
      case 'output_text':
      case 'text':
        return { type: 'text', text: textOf(item, partPath) };
      case 'input_image':
        return decodeImage(item, partPath);
      case 'input_file':
        return decodeFile(item, partPath);
      case 'input_audio': {
        const audio = item.input_audio;
        if (!isRecord(audio) || typeof audio.data !== 'string' || typeof audio.format !== 'string') {
          fail(`${partPath}.input_audio`, 'must have string data and format');
        }
        return { type: 'audio', data: audio.data, format: audio.format };
      }
      default:
        return fail(`${partPath}.type`, 'must be one of input_text, input_image, input_file, input_audio');
    }
  });
}

function textOnly(parts: UserPart[], path: string): TextPart[] {
  return parts.map((part, i) => {
    if (part.type !== 'text') fail(`${path}[${i}]`, 'must be text in a system or developer message');
    return part;
  });
}

/** Content of an assistant message item: output_text / refusal parts (or a plain string). */
function decodeAssistantContent(content: unknown, path: string): TextPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) fail(path, 'must be a string or an array of content parts');
  const parts: TextPart[] = [];
  content.forEach((item, i) => {
    const partPath = `${path}[${i}]`;
    if (!isRecord(item)) fail(partPath, 'must be an object');
    if (item.type === 'output_text' || item.type === 'input_text' || item.type === 'text') {
      parts.push({ type: 'text', text: textOf(item, partPath) });
    } else if (item.type === 'refusal' && typeof item.refusal === 'string') {
      parts.push({ type: 'text', text: item.refusal });
    } else fail(`${partPath}.type`, 'must be output_text or refusal');
  });
  return parts;
}

function decodeReasoningItem(item: JsonObject, path: string): AssistantPart | undefined {
  const texts: string[] = [];
  if (Array.isArray(item.content)) {
    for (const part of item.content)
      if (isRecord(part) && typeof part.text === 'string') texts.push(part.text);
  }
  if (texts.length === 0) {
    if (item.summary !== undefined && !Array.isArray(item.summary))
      fail(`${path}.summary`, 'must be an array');
    for (const part of (item.summary as unknown[] | undefined) ?? []) {
      if (isRecord(part) && typeof part.text === 'string') texts.push(part.text);
    }
  }
  const text = texts.join('\n\n');
  const encrypted = typeof item.encrypted_content === 'string' ? item.encrypted_content : undefined;
  if (text === '' && encrypted === undefined) return undefined;
  return encrypted === undefined
    ? { type: 'reasoning', text }
    : { type: 'reasoning', text, signature: encrypted };
}

function toolOutputContent(output: unknown, path: string): ToolResultPart['content'] {
  if (typeof output === 'string') return [{ type: 'text', text: output }];
  if (!Array.isArray(output)) fail(path, 'must be a string or an array of content parts');
  return output.map((item, i) => {
    const partPath = `${path}[${i}]`;
    if (!isRecord(item)) fail(partPath, 'must be an object');
    if (item.type === 'input_text' || item.type === 'output_text' || item.type === 'text') {
      return { type: 'text' as const, text: textOf(item, partPath) };
    }
    if (item.type === 'input_image') {
      const image = decodeImage(item, partPath);
      if (image.type === 'file')
        fail(`${partPath}.image_url`, 'must be given (file ids are not supported here)');
      return image;
    }
    return fail(`${partPath}.type`, 'must be input_text or input_image');
  });
}

function callId(item: JsonObject, path: string): string {
  if (typeof item.call_id !== 'string' || item.call_id === '')
    fail(`${path}.call_id`, 'must be a non-empty string');
  return item.call_id;
}

interface InputState {
  messages: CanonicalMessage[];
  system: TextPart[];
}

function assistantTail(state: InputState): AssistantMessage {
  const last = state.messages[state.messages.length - 1];
  if (last && last.role === 'assistant') return last;
  const message: AssistantMessage = { role: 'assistant', content: [] };
  state.messages.push(message);
  return message;
}

function pushToolResult(state: InputState, part: ToolResultPart): void {
  const last = state.messages[state.messages.length - 1];
  if (last && last.role === 'tool') last.content.push(part);
  else state.messages.push({ role: 'tool', content: [part] });
}

function decodeInputItem(item: unknown, path: string, state: InputState, mode: 'convert' | 'native'): void {
  if (!isRecord(item)) fail(path, 'must be an object');
  const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
  switch (type) {
    case 'message': {
      const role = item.role;
      if (role === 'assistant') {
        const parts = decodeAssistantContent(item.content, `${path}.content`);
        if (parts.length > 0) assistantTail(state).content.push(...parts);
        return;
      }
      if (item.content === undefined || item.content === null) fail(`${path}.content`, 'is required');
      const content = decodeInputContent(item.content, `${path}.content`);
      if (role === 'system' || role === 'developer') {
        const texts = textOnly(content, `${path}.content`);
        if (state.messages.length === 0) state.system.push(...texts);
        else state.messages.push({ role: 'system', content: texts });
        return;
      }
      if (role !== 'user') fail(`${path}.role`, 'must be one of user, assistant, system, developer');
      state.messages.push({ role: 'user', content });
      return;
    }
    case 'function_call': {
      if (typeof item.name !== 'string' || item.name === '')
        fail(`${path}.name`, 'must be a non-empty string');
      const args = item.arguments === undefined || item.arguments === null ? '' : item.arguments;
      if (typeof args !== 'string') fail(`${path}.arguments`, 'must be a JSON string');
      assistantTail(state).content.push({
        type: 'tool-call',
        id: callId(item, path),
        name: item.name,
        arguments: args,
      });
      return;
    }
    case 'custom_tool_call': {
      if (typeof item.name !== 'string' || item.name === '')
        fail(`${path}.name`, 'must be a non-empty string');
      const input = typeof item.input === 'string' ? item.input : '';
      assistantTail(state).content.push({
        type: 'tool-call',
        id: callId(item, path),
        name: item.name,
        arguments: JSON.stringify({ input }),
      });
      return;
    }
    case 'function_call_output':
    case 'custom_tool_call_output':
      pushToolResult(state, {
        type: 'tool-result',
        toolCallId: callId(item, path),
        content: toolOutputContent(item.output ?? '', `${path}.output`),
      });
      return;
    case 'reasoning': {
      const part = decodeReasoningItem(item, path);
      if (part) assistantTail(state).content.push(part);
      return;
    }
    case 'item_reference':
      if (mode === 'convert') {
        fail(
          `${path}`,
          'is an item_reference: stored items can only be read by an OpenAI Responses upstream, and this model is ' +
            'served through a conversion. Send the full item instead.',
          'input',
        );
      }
      return;
    case 'web_search_call':
    case 'file_search_call':
    case 'image_generation_call':
    case 'code_interpreter_call':
    case 'mcp_list_tools':
      // Records of hosted tool runs: nothing for the model to act on in another API.
      return;
    default:
      fail(
        `${path}.type`,
        `"${String(type)}" is not supported; use message, function_call, function_call_output or reasoning`,
        'input',
      );
  }
}

function decodeInput(body: JsonObject, state: InputState, mode: 'convert' | 'native'): void {
  const input = body.input;
  if (typeof input === 'string') {
    state.messages.push({ role: 'user', content: [{ type: 'text', text: input }] });
    return;
  }
  if (!Array.isArray(input)) fail('input', 'must be a string or an array of input items');
  input.forEach((item, i) => decodeInputItem(item, `input[${i}]`, state, mode));
}

function customToolDefinition(tool: JsonObject, path: string): ToolDefinition {
  const name = tool.name as string;
  const format = isRecord(tool.format) ? tool.format : undefined;
  let inputHelp = 'The raw input for the tool, as free-form text.';
  if (format && format.type === 'grammar' && typeof format.definition === 'string') {
    const syntax = typeof format.syntax === 'string' ? format.syntax : 'grammar';
    inputHelp = `The raw input for the tool. It must match this ${syntax} grammar:\n${format.definition}`;
  } else if (format && format.type !== undefined && format.type !== 'text') {
    fail(`${path}.format.type`, 'must be text or grammar');
  }
  const definition: ToolDefinition = {
    name,
    parameters: {
      type: 'object',
      properties: { input: { type: 'string', description: inputHelp } },
      required: ['input'],
      additionalProperties: false,
    },
  };
  if (typeof tool.description === 'string') definition.description = tool.description;
  return definition;
}

interface DecodedTools {
  tools: ToolDefinition[];
  hosted: JsonObject[];
  custom: string[];
}

function decodeTools(value: unknown): DecodedTools | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail('tools', 'must be an array');
  const decoded: DecodedTools = { tools: [], hosted: [], custom: [] };
  value.forEach((tool, i) => {
    const path = `tools[${i}]`;
    if (!isRecord(tool)) fail(path, 'must be an object');
    if (typeof tool.type !== 'string') fail(`${path}.type`, 'must be a string');
    if (!FUNCTION_LIKE_TOOLS.has(tool.type)) {
      decoded.hosted.push(tool);
      return;
    }
    if (typeof tool.name !== 'string' || tool.name === '') fail(`${path}.name`, 'must be a non-empty string');
    if (tool.type === 'custom') {
      decoded.custom.push(tool.name);
      decoded.tools.push(customToolDefinition(tool, path));
      return;
    }
    const definition: ToolDefinition = { name: tool.name };
    if (typeof tool.description === 'string') definition.description = tool.description;
    if (tool.parameters !== undefined && tool.parameters !== null) {
      if (!isRecord(tool.parameters)) fail(`${path}.parameters`, 'must be a JSON Schema object');
      definition.parameters = tool.parameters;
    }
    if (typeof tool.strict === 'boolean') definition.strict = tool.strict;
    decoded.tools.push(definition);
  });
  return decoded;
}

const TOOL_CHOICE_FORMS =
  'must be "auto", "none", "required", {"type":"function","name":...} or {"type":"allowed_tools",...}';

/** The tool choice, plus the names an `allowed_tools` choice restricts the tools to. */
function decodeToolChoice(
  value: unknown,
  hostedTypes: Set<string>,
  mode: 'convert' | 'native',
): { choice?: ToolChoice; allowed?: Set<string> } {
  if (value === undefined || value === null) return {};
  if (value === 'auto' || value === 'none' || value === 'required') return { choice: value };
  if (!isRecord(value)) return fail('tool_choice', TOOL_CHOICE_FORMS);
  const type = value.type;
  if ((type === 'function' || type === 'custom' || type === 'tool') && typeof value.name === 'string') {
    if (value.name === '') fail('tool_choice.name', 'must be a non-empty string');
    return { choice: { type: 'tool', name: value.name } };
  }
  if (type === 'function' && isRecord(value.function) && typeof value.function.name === 'string') {
    return { choice: { type: 'tool', name: value.function.name } };
  }
  if (type === 'allowed_tools') {
    const mode = value.mode === 'required' ? 'required' : 'auto';
    if (!Array.isArray(value.tools)) fail('tool_choice.tools', 'must be an array');
    const allowed = new Set<string>();
    for (const tool of value.tools) {
      if (isRecord(tool) && typeof tool.name === 'string') allowed.add(tool.name);
      else if (isRecord(tool) && isRecord(tool.function) && typeof tool.function.name === 'string') {
        allowed.add(tool.function.name);
      }
    }
    return { choice: mode, allowed };
  }
  if (
    typeof type === 'string' &&
    (hostedTypes.has(type) || type.startsWith('web_search') || type === 'mcp')
  ) {
    if (mode === 'convert') {
      fail(
        'tool_choice',
        `forces the hosted tool "${type}", which only an OpenAI Responses upstream can run; this model is served ` +
          'through a conversion',
      );
    }
    return { choice: 'required' };
  }
  return fail('tool_choice', TOOL_CHOICE_FORMS);
}

function decodeTextFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) fail('text', 'must be an object');
  const format = value.format;
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format)) fail('text.format', 'must be an object');
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      if (typeof format.name !== 'string' || format.name === '')
        fail('text.format.name', 'must be a non-empty string');
      const decoded: ResponseFormat = { type: 'json_schema', name: format.name };
      if (format.schema !== undefined && format.schema !== null) {
        if (!isRecord(format.schema)) fail('text.format.schema', 'must be a JSON Schema object');
        decoded.schema = format.schema;
      }
      if (typeof format.strict === 'boolean') decoded.strict = format.strict;
      if (typeof format.description === 'string') decoded.description = format.description;
      return decoded;
    }
    default:
      return fail('text.format.type', 'must be text, json_object or json_schema');
  }
}

function decodeSampling(body: JsonObject): SamplingSettings {
  const sampling: SamplingSettings = {};
  const maxTokens = optionalInteger(body, 'max_output_tokens');
  if (maxTokens !== undefined) sampling.maxTokens = maxTokens;
  const temperature = optionalNumber(body, 'temperature');
  if (temperature !== undefined) sampling.temperature = temperature;
  const topP = optionalNumber(body, 'top_p');
  if (topP !== undefined) sampling.topP = topP;
  return sampling;
}

function nullableString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function nullableNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function echoOf(body: JsonObject, metadata: Record<string, string> | undefined): ResponsesEcho {
  const reasoning = isRecord(body.reasoning)
    ? { effort: body.reasoning.effort ?? null, summary: body.reasoning.summary ?? null }
    : { effort: null, summary: null };
  const text = isRecord(body.text)
    ? { format: { type: 'text' }, verbosity: 'medium', ...body.text }
    : { format: { type: 'text' }, verbosity: 'medium' };
  return {
    background: body.background === true,
    instructions: body.instructions ?? null,
    max_output_tokens: nullableNumber(body.max_output_tokens),
    max_tool_calls: nullableNumber(body.max_tool_calls),
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: nullableString(body.previous_response_id),
    prompt_cache_key: nullableString(body.prompt_cache_key),
    reasoning,
    safety_identifier: nullableString(body.safety_identifier),
    service_tier: nullableString(body.service_tier),
    store: body.store !== false,
    temperature: nullableNumber(body.temperature) ?? 1,
    text,
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_logprobs: nullableNumber(body.top_logprobs) ?? 0,
    top_p: nullableNumber(body.top_p) ?? 1,
    truncation: nullableString(body.truncation) ?? 'disabled',
    user: nullableString(body.user),
    metadata: metadata ?? {},
  };
}

/** The Responses codec's notes on a decoded request (undefined for a request another codec decoded). */
export function responsesCodecState(request: CanonicalRequest): ResponsesCodecState | undefined {
  const state = request.codecState?.[RESPONSES_STATE];
  return isRecord(state) ? (state as unknown as ResponsesCodecState) : undefined;
}

function refuseStateful(body: JsonObject): void {
  for (const field of STATEFUL_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null || value === '') continue;
    fail(
      field,
      'is not supported for this model: it refers to state stored by an OpenAI Responses upstream, and this model is ' +
        'served through a conversion. Send the whole conversation in input (with store: false) instead.',
    );
  }
  if (body.background === true) {
    fail(
      'background',
      'is not supported for this model: background responses need an OpenAI Responses upstream',
    );
  }
}

/**
 * Decodes an OpenAI Responses request body (`POST /v1/responses`) into the canonical request.
 * `instructions` and leading system/developer items become the system prompt; assistant-side items (messages,
 * reasoning, function calls) in a row become one assistant message; function_call_output items become tool results.
 * Reasoning items carry their summary (or reasoning_text content) as text and `encrypted_content` as the signature.
 * `custom` tools become function tools taking `{"input": string}`. Throws an `invalid-request` GatewayError naming
 * the bad field.
 */
export function decodeOpenAiResponsesRequest(
  body: unknown,
  options: DecodeResponsesOptions = {},
): CanonicalRequest {
  const mode = options.mode ?? 'convert';
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') fail('model', 'must be a non-empty string');
  if (mode === 'convert') refuseStateful(body);
  if (body.input === undefined || body.input === null) fail('input', 'is required');

  const state: InputState = { messages: [], system: [] };
  const instructions = optionalString(body, 'instructions');
  if (instructions !== undefined && instructions !== '')
    state.system.push({ type: 'text', text: instructions });
  decodeInput(body, state, mode);

  const stream = optionalBoolean(body, 'stream') ?? false;
  const request: CanonicalRequest = {
    model: body.model,
    system: state.system,
    messages: state.messages,
    sampling: decodeSampling(body),
    stream,
    sourceFormat: 'openai-responses',
  };
  if (stream) request.includeUsage = true;

  const tools = decodeTools(body.tools);
  const hostedTypes = new Set((tools?.hosted ?? []).map((tool) => String(tool.type)));
  const { choice, allowed } = decodeToolChoice(body.tool_choice, hostedTypes, mode);
  let noToolsLeft = false;
  if (tools) {
    const usable = allowed ? tools.tools.filter((tool) => allowed.has(tool.name)) : tools.tools;
    // Only hosted (or disallowed) tools: send none rather than an empty list, which OpenAI-style APIs refuse.
    noToolsLeft = usable.length === 0 && (tools.hosted.length > 0 || allowed !== undefined);
    if (!noToolsLeft) request.tools = usable;
  }
  if (choice !== undefined && !noToolsLeft) request.toolChoice = choice;
  // The hosted image_generation tool asks for images: image models of other APIs (Gemini) are asked for IMAGE output.
  if (mode === 'convert' && hostedTypes.has('image_generation')) request.outputModalities = ['text', 'image'];
  const parallel = optionalBoolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;

  const responseFormat = decodeTextFormat(body.text);
  if (responseFormat) request.responseFormat = responseFormat;
  if (body.reasoning !== undefined && body.reasoning !== null) {
    if (!isRecord(body.reasoning)) fail('reasoning', 'must be an object');
    const effort = body.reasoning.effort;
    if (effort !== undefined && effort !== null) {
      if (typeof effort !== 'string') fail('reasoning.effort', 'must be a string');
      request.reasoning = effort === 'none' ? { effort, enabled: false } : { effort };
    }
  }
  const user = optionalString(body, 'user');
  if (user !== undefined) request.user = user;
  let metadata: Record<string, string> | undefined;
  if (body.metadata !== undefined && body.metadata !== null) {
    if (!isRecord(body.metadata) || !Object.values(body.metadata).every((v) => typeof v === 'string')) {
      fail('metadata', 'must be an object of string values');
    }
    metadata = body.metadata as Record<string, string>;
    request.metadata = metadata;
  }

  const codecState: ResponsesCodecState = {
    echo: echoOf(body, metadata),
    customTools: tools?.custom ?? [],
    droppedTools: mode === 'convert' ? [...hostedTypes] : [],
  };
  request.codecState = { [RESPONSES_STATE]: codecState };

  let extra: Record<string, unknown> | undefined;
  for (const key of Object.keys(body)) {
    if (MODELLED_FIELDS.has(key)) continue;
    (extra ??= {})[key] = body[key];
  }
  if (mode === 'native' && tools && tools.hosted.length > 0) (extra ??= {}).tools = tools.hosted;
  if (extra) request.extra = extra;
  return request;
}
