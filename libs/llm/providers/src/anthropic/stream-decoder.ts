import {
  GatewayError,
  isRecord,
  tryParseJson,
  type JsonObject,
  type StreamEvent,
  incompleteStreamEvent,
  SseStreamDecoder,
} from '@one-api/llm-core';
import { fromAnthropicStopReason, fromAnthropicUsage, mergeAnthropicUsage } from '@one-api/llm-codecs';
import { parseAnthropicError } from './parse-error';
import { generatedMessageId } from './parse-response';

type BlockState =
  | { kind: 'text' }
  | { kind: 'thinking' }
  | { kind: 'tool'; toolIndex: number; ended: boolean }
  | { kind: 'ignored' };

/** The HTTP status Anthropic would have used for an error type seen inside a stream. */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * Decodes an Anthropic Messages SSE stream into canonical events:
 * `message_start` → response-start; text blocks → text-delta; thinking blocks → reasoning-delta (the
 * `signature_delta` as a reasoning-delta with empty text and the signature); redacted_thinking → a redacted
 * reasoning-delta; tool_use blocks → tool-call-start / tool-call-delta (`input_json_delta`) / tool-call-end;
 * `message_delta` → finish (stop_reason) and usage (message_start usage merged with the cumulative delta usage);
 * an `error` event → error. `ping` and server-tool blocks are skipped. Lenient with Anthropic-compatible upstreams:
 * a `message_stop` without `message_delta` finishes as a stop (usage from `message_start`), a text or thinking delta
 * without its block start opens the block. A stream that ends before `message_delta` / `message_stop` ends with an
 * error event.
 */
export class AnthropicStreamDecoder extends SseStreamDecoder {
  private readonly blocks = new Map<number, BlockState>();
  private nextToolIndex = 0;
  private started = false;
  private startUsage: unknown;
  private finished = false;
  private failed = false;

  protected onEvent(name: string, data: string, events: StreamEvent[]): void {
    this.handle(name, data, events);
  }

  protected onEnd(events: StreamEvent[]): void {
    if (!this.finished && !this.failed) {
      events.push(incompleteStreamEvent());
    }
  }

  private handle(name: string, data: string, events: StreamEvent[]): void {
    if (this.failed) return;
    const trimmed = data.trim();
    if (trimmed === '') return;
    const payload = tryParseJson(trimmed);
    if (!isRecord(payload)) {
      this.fail(
        events,
        new GatewayError({ kind: 'upstream', message: 'upstream sent malformed stream data', raw: trimmed }),
      );
      return;
    }
    const type = typeof payload.type === 'string' ? payload.type : name;
    switch (type) {
      case 'message_start':
        this.messageStart(payload, events);
        break;
      case 'content_block_start':
        this.blockStart(payload, events);
        break;
      case 'content_block_delta':
        this.blockDelta(payload, events);
        break;
      case 'content_block_stop':
        this.blockStop(payload, events);
        break;
      case 'message_delta':
        this.messageDelta(payload, events);
        break;
      case 'message_stop':
        // Some Anthropic-compatible upstreams end without message_delta: close the message as a normal stop.
        if (!this.finished) this.messageDelta({ delta: {}, usage: null }, events);
        break;
      case 'error': {
        const errorType = isRecord(payload.error) ? payload.error.type : undefined;
        const status = typeof errorType === 'string' ? (STATUS_BY_TYPE[errorType] ?? 502) : 502;
        this.fail(events, parseAnthropicError(status, trimmed));
        break;
      }
      default:
        // ping, message_stop and event types added later
        break;
    }
  }

  private fail(events: StreamEvent[], error: GatewayError): void {
    this.failed = true;
    events.push({ type: 'error', error });
  }

  private ensureStarted(events: StreamEvent[], message?: JsonObject): void {
    if (this.started) return;
    this.started = true;
    events.push({
      type: 'response-start',
      id: typeof message?.id === 'string' && message.id !== '' ? message.id : generatedMessageId(),
      model: typeof message?.model === 'string' ? message.model : '',
      created: Math.floor(Date.now() / 1000),
    });
  }

  private messageStart(payload: JsonObject, events: StreamEvent[]): void {
    const message = isRecord(payload.message) ? payload.message : {};
    this.startUsage = message.usage;
    this.ensureStarted(events, message);
  }

  private blockStart(payload: JsonObject, events: StreamEvent[]): void {
    this.ensureStarted(events);
    const index = typeof payload.index === 'number' ? payload.index : this.blocks.size;
    const block = isRecord(payload.content_block) ? payload.content_block : {};
    switch (block.type) {
      case 'text':
        this.blocks.set(index, { kind: 'text' });
        if (typeof block.text === 'string' && block.text !== '')
          events.push({ type: 'text-delta', text: block.text });
        break;
      case 'thinking':
        this.blocks.set(index, { kind: 'thinking' });
        if (typeof block.thinking === 'string' && block.thinking !== '') {
          events.push({ type: 'reasoning-delta', text: block.thinking });
        }
        if (typeof block.signature === 'string' && block.signature !== '') {
          events.push({ type: 'reasoning-delta', text: '', signature: block.signature });
        }
        break;
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'ignored' });
        if (typeof block.data === 'string')
          events.push({ type: 'reasoning-delta', text: block.data, redacted: true });
        break;
      case 'tool_use': {
        const toolIndex = this.nextToolIndex++;
        this.blocks.set(index, { kind: 'tool', toolIndex, ended: false });
        events.push({
          type: 'tool-call-start',
          index: toolIndex,
          id: typeof block.id === 'string' && block.id !== '' ? block.id : `toolu_${toolIndex}`,
          name: typeof block.name === 'string' ? block.name : '',
        });
        // Input given whole at the start (not streamed) comes as one delta.
        if (isRecord(block.input) && Object.keys(block.input).length > 0) {
          events.push({
            type: 'tool-call-delta',
            index: toolIndex,
            argumentsDelta: JSON.stringify(block.input),
          });
        }
        break;
      }
      default:
        this.blocks.set(index, { kind: 'ignored' });
    }
  }

  private blockDelta(payload: JsonObject, events: StreamEvent[]): void {
    const index = typeof payload.index === 'number' ? payload.index : -1;
    const delta = isRecord(payload.delta) ? payload.delta : {};
    let block = this.blocks.get(index);
    if (!block && (delta.type === 'text_delta' || delta.type === 'thinking_delta')) {
      // A delta without its content_block_start (seen on Anthropic-compatible upstreams).
      this.ensureStarted(events);
      const opened: BlockState = { kind: delta.type === 'text_delta' ? 'text' : 'thinking' };
      this.blocks.set(index, opened);
      block = opened;
    }
    if (!block || block.kind === 'ignored') return;
    switch (delta.type) {
      case 'text_delta':
        if (typeof delta.text === 'string' && delta.text !== '')
          events.push({ type: 'text-delta', text: delta.text });
        break;
      case 'thinking_delta':
        if (typeof delta.thinking === 'string' && delta.thinking !== '') {
          events.push({ type: 'reasoning-delta', text: delta.thinking });
        }
        break;
      case 'signature_delta':
        if (typeof delta.signature === 'string' && delta.signature !== '') {
          events.push({ type: 'reasoning-delta', text: '', signature: delta.signature });
        }
        break;
      case 'input_json_delta':
        if (block.kind === 'tool' && typeof delta.partial_json === 'string' && delta.partial_json !== '') {
          events.push({
            type: 'tool-call-delta',
            index: block.toolIndex,
            argumentsDelta: delta.partial_json,
          });
        }
        break;
      default:
        // citations_delta and delta types added later
        break;
    }
  }

  private blockStop(payload: JsonObject, events: StreamEvent[]): void {
    const index = typeof payload.index === 'number' ? payload.index : -1;
    const block = this.blocks.get(index);
    if (block?.kind === 'tool' && !block.ended) {
      block.ended = true;
      events.push({ type: 'tool-call-end', index: block.toolIndex });
    }
  }

  private messageDelta(payload: JsonObject, events: StreamEvent[]): void {
    this.ensureStarted(events);
    for (const block of this.blocks.values()) {
      if (block.kind === 'tool' && !block.ended) {
        block.ended = true;
        events.push({ type: 'tool-call-end', index: block.toolIndex });
      }
    }
    const delta = isRecord(payload.delta) ? payload.delta : {};
    if (!this.finished) {
      this.finished = true;
      const finish = fromAnthropicStopReason(
        typeof delta.stop_reason === 'string' ? delta.stop_reason : null,
      );
      events.push({ type: 'finish', reason: finish.reason, raw: finish.raw });
    }
    const usage = fromAnthropicUsage(mergeAnthropicUsage(this.startUsage, payload.usage));
    if (usage) events.push({ type: 'usage', usage });
  }
}
