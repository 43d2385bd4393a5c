import type { MatrixFormat, MatrixReply, StreamEventRecord } from './types';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A tool call of a reply, whatever its wire shape. */
export interface ReplyToolCall {
  id?: string;
  name: string;
  /** the arguments as JSON text (Claude's `input` object is serialised) */
  arguments: string;
}

/** A reply reduced to what the matrix checks: the same shape for every format, streamed or not. */
export interface AssembledReply {
  text: string;
  reasoning: string;
  toolCalls: ReplyToolCall[];
  /** finish_reason / status / stop_reason as the format spells it */
  stop?: string;
  usage?: unknown;
  /** error objects found in the reply (an error body, an `error` stream event, a failed response) */
  errors: unknown[];
  /** stream only: the names of the events in order (`event:` field, else the data's `type`/`object`) */
  eventNames: string[];
  /** Responses only: the final response object (the body, or the one of `response.completed` / `.incomplete` / `.failed`) */
  terminal?: Obj;
}

/** Splits a whole SSE body into events (data lines joined by LF, JSON parsed when possible; comments dropped). */
export function parseSse(text: string): StreamEventRecord[] {
  const events: StreamEventRecord[] = [];
  for (const block of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) continue;
    const raw = data.join('\n');
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // not JSON ([DONE] or plain text): kept as the string
    }
    events.push(event === undefined ? { data: parsed } : { event, data: parsed });
  }
  return events;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return arr(content)
    .map((part) => (isObj(part) && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

function empty(): AssembledReply {
  return { text: '', reasoning: '', toolCalls: [], errors: [], eventNames: [] };
}

function meaningfulError(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.some(meaningfulError);
  if (isObj(value)) return Object.values(value).some(meaningfulError);
  return true;
}

/** Whether a JSON value carries an `error` that is not empty/null/false (the fork's "meaningful error"). */
export function hasMeaningfulError(body: unknown): boolean {
  return isObj(body) && meaningfulError(body.error);
}

// ---------------------------------------------------------------------------------------------- whole bodies

function chatBody(body: Obj, out: AssembledReply): void {
  for (const choice of arr(body.choices)) {
    if (!isObj(choice)) continue;
    const message = isObj(choice.message) ? choice.message : {};
    out.text += contentText(message.content);
    out.reasoning += str(message.reasoning_content) ?? str(message.reasoning) ?? '';
    for (const call of arr(message.tool_calls)) {
      if (!isObj(call) || !isObj(call.function)) continue;
      out.toolCalls.push({
        id: str(call.id),
        name: str(call.function.name) ?? '',
        arguments: str(call.function.arguments) ?? '',
      });
    }
    out.stop ??= str(choice.finish_reason);
  }
  out.usage = body.usage;
}

function responseOutput(output: unknown, out: AssembledReply): void {
  for (const item of arr(output)) {
    if (!isObj(item)) continue;
    if (item.type === 'message') out.text += contentText(item.content);
    else if (item.type === 'function_call')
      out.toolCalls.push({
        id: str(item.call_id) ?? str(item.id),
        name: str(item.name) ?? '',
        arguments: str(item.arguments) ?? '',
      });
    else if (item.type === 'reasoning')
      out.reasoning += contentText(item.summary) + contentText(item.content);
  }
}

function responseBody(body: Obj, out: AssembledReply): void {
  responseOutput(body.output, out);
  out.terminal = body;
  out.stop = str(body.status);
  out.usage = body.usage;
  if (body.status === 'failed') out.errors.push(body.error ?? 'status failed');
}

function claudeBody(body: Obj, out: AssembledReply): void {
  for (const block of arr(body.content)) {
    if (!isObj(block)) continue;
    if (block.type === 'text') out.text += str(block.text) ?? '';
    else if (block.type === 'thinking') out.reasoning += str(block.thinking) ?? '';
    else if (block.type === 'tool_use')
      out.toolCalls.push({
        id: str(block.id),
        name: str(block.name) ?? '',
        arguments: JSON.stringify(block.input ?? {}),
      });
  }
  out.stop = str(body.stop_reason);
  out.usage = body.usage;
}

// ---------------------------------------------------------------------------------------------- streams

function chatStream(events: StreamEventRecord[], out: AssembledReply): void {
  const calls = new Map<number, ReplyToolCall>();
  for (const { data } of events) {
    if (!isObj(data)) continue;
    if (data.usage) out.usage = data.usage;
    for (const choice of arr(data.choices)) {
      if (!isObj(choice)) continue;
      const delta = isObj(choice.delta) ? choice.delta : {};
      out.text += contentText(delta.content);
      out.reasoning += str(delta.reasoning_content) ?? str(delta.reasoning) ?? '';
      for (const piece of arr(delta.tool_calls)) {
        if (!isObj(piece)) continue;
        const index = typeof piece.index === 'number' ? piece.index : calls.size;
        const fn = isObj(piece.function) ? piece.function : {};
        const call = calls.get(index) ?? { name: '', arguments: '' };
        if (str(piece.id)) call.id = str(piece.id);
        call.name += str(fn.name) ?? '';
        call.arguments += str(fn.arguments) ?? '';
        calls.set(index, call);
      }
      if (choice.finish_reason) out.stop = str(choice.finish_reason);
    }
  }
  out.toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
}

function responseStream(events: StreamEventRecord[], out: AssembledReply): void {
  const calls = new Map<string, ReplyToolCall>();
  const order: string[] = [];
  const callFor = (key: string): ReplyToolCall => {
    let call = calls.get(key);
    if (!call) {
      call = { name: '', arguments: '' };
      calls.set(key, call);
      order.push(key);
    }
    return call;
  };
  const keyOf = (d: Obj, item?: Obj) =>
    str(item?.id) ?? str(d.item_id) ?? String(typeof d.output_index === 'number' ? d.output_index : '');
  for (const { data } of events) {
    if (!isObj(data)) continue;
    const item = isObj(data.item) ? data.item : undefined;
    switch (data.type) {
      case 'response.output_text.delta':
        out.text += str(data.delta) ?? '';
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        out.reasoning += str(data.delta) ?? '';
        break;
      case 'response.output_item.added':
        if (item?.type === 'function_call') {
          const call = callFor(keyOf(data, item));
          call.id = str(item.call_id) ?? str(item.id);
          call.name = str(item.name) ?? '';
          call.arguments = str(item.arguments) ?? '';
        }
        break;
      case 'response.function_call_arguments.delta':
        callFor(keyOf(data)).arguments += str(data.delta) ?? '';
        break;
      case 'response.output_item.done':
        if (item?.type === 'function_call') {
          const call = callFor(keyOf(data, item));
          call.id = str(item.call_id) ?? call.id;
          call.name = str(item.name) ?? call.name;
          if (typeof item.arguments === 'string') call.arguments = item.arguments;
        }
        break;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        if (isObj(data.response)) {
          out.terminal = data.response;
          out.stop = str(data.response.status);
          out.usage = data.response.usage;
          if (data.type === 'response.failed') out.errors.push(data.response.error ?? 'response.failed');
        }
        break;
      case 'error':
        out.errors.push(data);
        break;
    }
  }
  out.toolCalls = order.flatMap((k) => calls.get(k) ?? []);
}

function claudeStream(events: StreamEventRecord[], out: AssembledReply): void {
  const blocks = new Map<number, { type: string; call?: ReplyToolCall; json: string }>();
  let inputTokens: unknown;
  for (const { data } of events) {
    if (!isObj(data)) continue;
    const index = typeof data.index === 'number' ? data.index : -1;
    switch (data.type) {
      case 'message_start':
        if (isObj(data.message)) inputTokens = data.message.usage;
        break;
      case 'content_block_start': {
        const block = isObj(data.content_block) ? data.content_block : {};
        const type = str(block.type) ?? '';
        const entry: { type: string; call?: ReplyToolCall; json: string } = { type, json: '' };
        if (type === 'tool_use') {
          entry.call = { id: str(block.id), name: str(block.name) ?? '', arguments: '' };
          out.toolCalls.push(entry.call);
        } else if (type === 'text') out.text += str(block.text) ?? '';
        blocks.set(index, entry);
        break;
      }
      case 'content_block_delta': {
        const delta = isObj(data.delta) ? data.delta : {};
        const entry = blocks.get(index);
        if (delta.type === 'text_delta') out.text += str(delta.text) ?? '';
        else if (delta.type === 'thinking_delta') out.reasoning += str(delta.thinking) ?? '';
        else if (delta.type === 'input_json_delta' && entry) entry.json += str(delta.partial_json) ?? '';
        break;
      }
      case 'content_block_stop': {
        const entry = blocks.get(index);
        if (entry?.call) entry.call.arguments = entry.json === '' ? '{}' : entry.json;
        break;
      }
      case 'message_delta':
        if (isObj(data.delta) && data.delta.stop_reason) out.stop = str(data.delta.stop_reason);
        out.usage = { start: inputTokens, delta: data.usage };
        break;
    }
  }
  // a tool_use block that never stopped keeps what streamed
  for (const entry of blocks.values())
    if (entry.call && entry.call.arguments === '') entry.call.arguments = entry.json;
}

/** Reduces a reply of `format` (a JSON body or a parsed stream) to text, reasoning, tool calls and stop reason. */
export function assembleReply(format: MatrixFormat, reply: MatrixReply): AssembledReply {
  const out = empty();
  if (reply.kind === 'none') return out;
  if (reply.kind === 'json') {
    if (!isObj(reply.body)) return out;
    if (hasMeaningfulError(reply.body)) out.errors.push(reply.body.error);
    if (format === 'chat') chatBody(reply.body, out);
    else if (format === 'response') responseBody(reply.body, out);
    else claudeBody(reply.body, out);
    return out;
  }
  for (const { event, data } of reply.events) {
    const name = event ?? (isObj(data) ? (str(data.type) ?? str(data.object)) : undefined);
    if (name) out.eventNames.push(name);
    if (isObj(data) && hasMeaningfulError(data)) out.errors.push(data.error);
  }
  if (format === 'chat') chatStream(reply.events, out);
  else if (format === 'response') responseStream(reply.events, out);
  else claudeStream(reply.events, out);
  return out;
}
