import { randomBytes } from 'node:crypto';
import type { FakeExchange, SseFrame } from '../core/exchange';
import { type ChatReply, chatReply, lastUserText, quote, replyCompletionTokens } from './chat-reply';
import { missingParameter, openAIError, type OpenAIErrorResponse } from './errors';
import { randomId, wordPieces, fixedPieces } from './ids';
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool, ChatToolChoice } from './types';
import { chatPromptTokens, estimateTokens } from './usage';

/**
 * `POST /v1/responses` of the fake OpenAI: the same deterministic answers as chat (see chat-reply), in the Responses
 * wire format — output items, `usage` with token details, and the full SSE event sequence with `event:` names and a
 * `sequence_number` on every event. Responses are stored unless `store: false` (`GET` / `DELETE
 * /v1/responses/:id`), and `previous_response_id` continues a stored one.
 */

/** The parts of a Responses request body the fake reads (loose: anything a gateway forwards must be accepted). */
export interface ResponsesRequest {
  model?: string;
  input?: string | Array<Record<string, unknown>>;
  instructions?: string | null;
  tools?: Array<Record<string, unknown>>;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean | null;
  text?: { format?: { type?: string; name?: string; schema?: unknown } } | null;
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  max_output_tokens?: number | null;
  include?: string[] | null;
  store?: boolean | null;
  stream?: boolean | null;
  stream_options?: { include_obfuscation?: boolean } | null;
  previous_response_id?: string | null;
  [key: string]: unknown;
}

export interface ResponsesUsageBody {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** What the fake keeps of a stored response: the object it answered and the conversation text behind it. */
export interface StoredResponse {
  body: Record<string, unknown>;
  /** Chat-shaped conversation (input + output) a follow-up with `previous_response_id` continues. */
  messages: ChatMessage[];
}

export type ResponsesStore = Map<string, StoredResponse>;

/** The reasoning summary the fake "thinks" when reasoning is requested. */
export const REASONING_PREFIX = 'Thinking about: ';

function itemText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) =>
      typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string'
        ? (part as { text: string }).text
        : '',
    )
    .join('');
}

/** Content parts in chat form: text parts for text, `image_url` parts for images (counted like chat images). */
function chatParts(content: unknown): string | ChatContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part): ChatContentPart => {
    const p = (typeof part === 'object' && part !== null ? part : {}) as Record<string, unknown>;
    if (p.type === 'input_image') return { type: 'image_url', image_url: { url: String(p.image_url ?? '') } };
    return {
      type: 'text',
      text: typeof p.text === 'string' ? p.text : typeof p.refusal === 'string' ? p.refusal : '',
    };
  });
}

/** The request's conversation in chat form, so the chat reply logic and token counting apply unchanged. */
export function responsesMessages(req: ResponsesRequest, previous: ChatMessage[] = []): ChatMessage[] {
  const messages: ChatMessage[] = [...previous];
  if (typeof req.instructions === 'string' && req.instructions !== '') {
    messages.push({ role: 'system', content: req.instructions });
  }
  if (typeof req.input === 'string') {
    messages.push({ role: 'user', content: req.input });
    return messages;
  }
  for (const item of Array.isArray(req.input) ? req.input : []) {
    const type = item?.type ?? (item?.role !== undefined ? 'message' : undefined);
    if (type === 'message') {
      const role = item.role === 'developer' ? 'system' : String(item.role ?? 'user');
      messages.push({ role, content: chatParts(item.content) });
    } else if (type === 'function_call' || type === 'custom_tool_call') {
      const args = type === 'custom_tool_call' ? String(item.input ?? '') : String(item.arguments ?? '');
      const call = {
        id: String(item.call_id ?? ''),
        type: 'function',
        function: { name: String(item.name ?? ''), arguments: args },
      };
      const last = messages[messages.length - 1];
      if (last?.role === 'assistant' && Array.isArray(last.tool_calls)) last.tool_calls.push(call);
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      messages.push({
        role: 'tool',
        tool_call_id: String(item.call_id ?? ''),
        content: itemText(item.output),
      });
    }
  }
  return messages;
}

function chatTools(req: ResponsesRequest): ChatTool[] {
  return (Array.isArray(req.tools) ? req.tools : [])
    .filter((tool) => (tool?.type === 'function' || tool?.type === 'custom') && typeof tool.name === 'string')
    .map((tool) => ({
      type: 'function',
      function: {
        name: tool.name as string,
        parameters:
          tool.type === 'custom'
            ? { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] }
            : (tool.parameters ?? undefined),
      },
    }));
}

function chatToolChoice(choice: unknown): ChatToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (typeof choice !== 'object' || choice === null) return undefined;
  const c = choice as Record<string, unknown>;
  if ((c.type === 'function' || c.type === 'custom') && typeof c.name === 'string') {
    return { type: 'function', function: { name: c.name } };
  }
  if (c.type === 'allowed_tools' && Array.isArray(c.tools)) {
    return {
      type: 'allowed_tools',
      allowed_tools: {
        mode: c.mode === 'required' ? 'required' : 'auto',
        tools: c.tools.map((t) => ({
          type: 'function',
          function: { name: String((t as { name?: unknown })?.name) },
        })),
      },
    };
  }
  return undefined;
}

/** The request as a chat request (what the reply logic reads). */
export function responsesChatRequest(req: ResponsesRequest, previous: ChatMessage[] = []): ChatRequest {
  const format = req.text?.format;
  const chat: ChatRequest = {
    model: req.model,
    messages: responsesMessages(req, previous),
    tools: chatTools(req),
    tool_choice: chatToolChoice(req.tool_choice),
    parallel_tool_calls: req.parallel_tool_calls ?? undefined,
    max_completion_tokens: req.max_output_tokens ?? undefined,
  };
  if (format?.type === 'json_schema') {
    chat.response_format = { type: 'json_schema', json_schema: { name: format.name, schema: format.schema } };
  } else if (format?.type === 'json_object') chat.response_format = { type: 'json_object' };
  return chat;
}

/** Reasoning is "on" when the request has a `reasoning` object whose effort is not `none`. */
export function reasoningRequested(req: ResponsesRequest): boolean {
  return typeof req.reasoning === 'object' && req.reasoning !== null && req.reasoning.effort !== 'none';
}

/** The fake's reasoning text for a request (deterministic): `Thinking about: <quoted last user text>`. */
export function reasoningText(chat: ChatRequest): string {
  return REASONING_PREFIX + (quote(lastUserText(chat)) || 'the conversation');
}

export interface ResponsesAnswer {
  chat: ChatRequest;
  reply: ChatReply;
  /** The reasoning text when reasoning was requested. */
  reasoning?: string;
  usage: ResponsesUsageBody;
}

/** The fake's answer to a Responses request (previous conversation included when continuing a stored response). */
export function responsesAnswer(req: ResponsesRequest, previous: ChatMessage[] = []): ResponsesAnswer {
  const chat = responsesChatRequest(req, previous);
  const reply = chatReply(chat);
  const reasoning = reasoningRequested(req) ? reasoningText(chat) : undefined;
  const reasoningTokens = reasoning === undefined ? 0 : estimateTokens(reasoning);
  const input = chatPromptTokens(chat);
  const output = replyCompletionTokens(reply) + reasoningTokens;
  return {
    chat,
    reply,
    reasoning,
    usage: {
      input_tokens: input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: output,
      output_tokens_details: { reasoning_tokens: reasoningTokens },
      total_tokens: input + output,
    },
  };
}

/**
 * Usage the fake reports for a Responses request (same numbers streamed or not): input = tokens of instructions and
 * every input item's text (+85 per image), output = tokens of the reply (or of the calls' names and arguments)
 * plus the reasoning tokens, `reasoning_tokens` = tokens of the reasoning text when reasoning is requested.
 * Pass the stored conversation's messages when the request continues one with `previous_response_id`.
 */
export function predictResponsesUsage(
  req: ResponsesRequest,
  previous: ChatMessage[] = [],
): ResponsesUsageBody {
  return responsesAnswer(req, previous).usage;
}

/** OpenAI-looking item ids: `<prefix>_` + 48 hex digits. */
function hexId(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

function customToolNames(req: ResponsesRequest): Set<string> {
  return new Set(
    (Array.isArray(req.tools) ? req.tools : [])
      .filter((tool) => tool?.type === 'custom' && typeof tool.name === 'string')
      .map((tool) => tool.name as string),
  );
}

/** The output items of an answer, finished (status completed, or incomplete for a cut message). */
export function responsesOutput(
  req: ResponsesRequest,
  answer: ResponsesAnswer,
): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  if (answer.reasoning !== undefined) {
    const item: Record<string, unknown> = {
      id: hexId('rs'),
      type: 'reasoning',
      summary: req.reasoning?.summary ? [{ type: 'summary_text', text: answer.reasoning }] : [],
    };
    if (req.include?.includes('reasoning.encrypted_content')) {
      item.encrypted_content = `enc_${Buffer.from(answer.reasoning).toString('base64')}`;
    }
    items.push(item);
  }
  const reply = answer.reply;
  if (reply.kind === 'text') {
    items.push({
      id: hexId('msg'),
      type: 'message',
      status: reply.finishReason === 'length' ? 'incomplete' : 'completed',
      content: [{ type: 'output_text', annotations: [], logprobs: [], text: reply.text }],
      role: 'assistant',
    });
    return items;
  }
  const custom = customToolNames(req);
  for (const call of reply.toolCalls) {
    if (custom.has(call.name)) {
      const input = (JSON.parse(call.arguments) as { input?: string }).input ?? '';
      items.push({ id: hexId('ctc'), type: 'custom_tool_call', call_id: call.id, input, name: call.name });
    } else {
      items.push({
        id: hexId('fc'),
        type: 'function_call',
        status: 'completed',
        arguments: call.arguments,
        call_id: call.id,
        name: call.name,
      });
    }
  }
  return items;
}

/** The `response` object with the request's settings echoed, as OpenAI returns it. */
export function responseObject(
  req: ResponsesRequest,
  meta: { id: string; createdAt: number },
  status: 'in_progress' | 'completed' | 'incomplete',
  output: Array<Record<string, unknown>>,
  usage: ResponsesUsageBody | null,
): Record<string, unknown> {
  const finished = status !== 'in_progress';
  return {
    id: meta.id,
    object: 'response',
    created_at: meta.createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    max_tool_calls: null,
    model: req.model,
    output,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    prompt_cache_key: req.prompt_cache_key ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? null },
    safety_identifier: null,
    service_tier: finished ? 'default' : 'auto',
    store: req.store !== false,
    temperature: req.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium', ...(req.text ?? {}) },
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    top_logprobs: 0,
    top_p: req.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: req.user ?? null,
    metadata: req.metadata ?? {},
  };
}

const ARGUMENT_PIECE = 12;

/**
 * The SSE frames of a streamed answer: response.created, response.in_progress, per output item
 * output_item.added … output_item.done (reasoning summary part/text events, message content part and
 * output_text deltas one word each, function-call argument deltas 12 characters each, custom tool input deltas),
 * then response.completed — or response.incomplete when max_output_tokens cut the text. Every event carries a
 * `sequence_number` from 0; delta events carry `obfuscation` unless `stream_options.include_obfuscation` is false.
 */
export function responsesStreamFrames(
  req: ResponsesRequest,
  meta: { id: string; createdAt: number },
  output: Array<Record<string, unknown>>,
  final: Record<string, unknown>,
): SseFrame[] {
  const frames: SseFrame[] = [];
  const pad = req.stream_options?.include_obfuscation !== false;
  let seq = 0;
  const emit = (type: string, fields: Record<string, unknown>, delta = false) => {
    const data = {
      type,
      sequence_number: seq++,
      ...fields,
      ...(delta && pad ? { obfuscation: randomId(6) } : {}),
    };
    frames.push({ event: type, data: JSON.stringify(data) });
  };
  const inProgress = responseObject(req, meta, 'in_progress', [], null);
  emit('response.created', { response: inProgress });
  emit('response.in_progress', { response: inProgress });
  output.forEach((item, index) => {
    const where = { item_id: item.id, output_index: index };
    switch (item.type) {
      case 'reasoning': {
        emit('response.output_item.added', {
          output_index: index,
          item: { id: item.id, type: 'reasoning', summary: [] },
        });
        (item.summary as Array<{ type: string; text: string }>).forEach((part, summaryIndex) => {
          const at = { ...where, summary_index: summaryIndex };
          emit('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
          for (const piece of wordPieces(part.text))
            emit('response.reasoning_summary_text.delta', { ...at, delta: piece }, true);
          emit('response.reasoning_summary_text.done', { ...at, text: part.text });
          emit('response.reasoning_summary_part.done', { ...at, part });
        });
        break;
      }
      case 'message': {
        emit('response.output_item.added', {
          output_index: index,
          item: { id: item.id, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
        });
        const part = (item.content as Array<Record<string, unknown>>)[0];
        const at = { ...where, content_index: 0 };
        emit('response.content_part.added', {
          ...at,
          part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
        });
        for (const piece of wordPieces(String(part.text))) {
          emit('response.output_text.delta', { ...at, delta: piece, logprobs: [] }, true);
        }
        emit('response.output_text.done', { ...at, text: part.text, logprobs: [] });
        emit('response.content_part.done', { ...at, part });
        break;
      }
      case 'function_call':
        emit('response.output_item.added', {
          output_index: index,
          item: { ...item, status: 'in_progress', arguments: '' },
        });
        for (const piece of fixedPieces(String(item.arguments), ARGUMENT_PIECE)) {
          emit('response.function_call_arguments.delta', { ...where, delta: piece }, true);
        }
        emit('response.function_call_arguments.done', {
          ...where,
          name: item.name,
          arguments: item.arguments,
        });
        break;
      case 'custom_tool_call':
        emit('response.output_item.added', { output_index: index, item: { ...item, input: '' } });
        for (const piece of fixedPieces(String(item.input), ARGUMENT_PIECE)) {
          emit('response.custom_tool_call_input.delta', { ...where, delta: piece }, true);
        }
        emit('response.custom_tool_call_input.done', { ...where, input: item.input });
        break;
    }
    emit('response.output_item.done', { output_index: index, item });
  });
  emit(final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final });
  return frames;
}

/** The `tool_choice` object types the Responses API accepts (the openai SDK's ToolChoice union). */
export const RESPONSES_TOOL_CHOICE_TYPES: readonly string[] = [
  'file_search',
  'web_search_preview',
  'computer_use_preview',
  'web_search_preview_2025_03_11',
  'image_generation',
  'code_interpreter',
  'function',
  'mcp',
  'custom',
  'allowed_tools',
  'apply_patch',
  'shell',
];

/** Like OpenAI, refuses a `tool_choice` that is not a mode string or an object of a known type. */
function validateResponsesToolChoice(choice: unknown): OpenAIErrorResponse | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === 'string') {
    if (['auto', 'none', 'required'].includes(choice)) return undefined;
    return openAIError(
      400,
      `Invalid value: '${choice}'. Supported values are: 'none', 'auto', and 'required'.`,
      'invalid_request_error',
      'tool_choice',
      'invalid_value',
    );
  }
  const type = typeof choice === 'object' ? (choice as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && RESPONSES_TOOL_CHOICE_TYPES.includes(type)) return undefined;
  return openAIError(
    400,
    `Invalid value: '${String(type)}'. Supported values are: ${RESPONSES_TOOL_CHOICE_TYPES.map((t) => `'${t}'`).join(', ')}.`,
    'invalid_request_error',
    'tool_choice.type',
    'invalid_value',
  );
}

export function validateResponsesRequest(
  req: ResponsesRequest,
  store: ResponsesStore,
): OpenAIErrorResponse | undefined {
  if (typeof req.model !== 'string' || req.model === '') return missingParameter('model');
  if (req.input === undefined || req.input === null) return missingParameter('input');
  if (typeof req.input !== 'string' && !Array.isArray(req.input)) {
    return openAIError(
      400,
      "Invalid type for 'input': expected a string or an array.",
      'invalid_request_error',
      'input',
      'invalid_type',
    );
  }
  const choiceError = validateResponsesToolChoice(req.tool_choice);
  if (choiceError) return choiceError;
  const previous = req.previous_response_id;
  if (typeof previous === 'string' && previous !== '' && !store.has(previous)) {
    return openAIError(
      400,
      `Previous response with id '${previous}' not found.`,
      'invalid_request_error',
      'previous_response_id',
      'previous_response_not_found',
    );
  }
  return undefined;
}

export const responseNotFound = (id: string): OpenAIErrorResponse =>
  openAIError(404, `Response with id '${id}' not found.`, 'invalid_request_error', null, null);

/** POST /v1/responses. */
export async function handleResponses(
  ex: FakeExchange,
  send: (e: OpenAIErrorResponse) => Promise<void>,
  store: ResponsesStore,
): Promise<void> {
  const req = (ex.body ?? {}) as ResponsesRequest;
  const invalid = validateResponsesRequest(req, store);
  if (invalid) return send(invalid);
  const previous =
    typeof req.previous_response_id === 'string' ? store.get(req.previous_response_id) : undefined;
  const answer = responsesAnswer(req, previous?.messages ?? []);
  const meta = { id: hexId('resp'), createdAt: Math.floor(Date.now() / 1000) };
  const output = responsesOutput(req, answer);
  const incomplete = answer.reply.kind === 'text' && answer.reply.finishReason === 'length';
  const final = responseObject(req, meta, incomplete ? 'incomplete' : 'completed', output, answer.usage);
  if (req.store !== false) {
    const replyMessage: ChatMessage =
      answer.reply.kind === 'text'
        ? { role: 'assistant', content: answer.reply.text }
        : {
            role: 'assistant',
            content: null,
            tool_calls: answer.reply.toolCalls.map((c) => ({
              id: c.id,
              type: 'function',
              function: { name: c.name, arguments: c.arguments },
            })),
          };
    store.set(meta.id, { body: final, messages: [...(answer.chat.messages ?? []), replyMessage] });
  }
  if (req.stream === true) return ex.sse(responsesStreamFrames(req, meta, output, final));
  return ex.json(200, final);
}

/** GET /v1/responses/:id and DELETE /v1/responses/:id. */
export function handleStoredResponse(
  ex: FakeExchange,
  send: (e: OpenAIErrorResponse) => Promise<void>,
  store: ResponsesStore,
): Promise<void> {
  const id = decodeURIComponent(ex.path.slice('/v1/responses/'.length));
  const stored = store.get(id);
  if (!stored) return send(responseNotFound(id));
  if (ex.method === 'DELETE') {
    store.delete(id);
    return ex.json(200, { id, object: 'response.deleted', deleted: true });
  }
  return ex.json(200, stored.body);
}
