import {
  GatewayError,
  incompleteStreamEvent,
  isRecord,
  tryParseJson,
  type JsonObject,
  type StreamDecoder,
  type StreamEvent,
} from '@one-api/llm-core';
import { AnthropicStreamDecoder } from '../anthropic/stream-decoder';
import { fromConverseStopReason, fromConverseUsage, generatedConverseId } from './converse-response';
import { EventStreamReader, type EventStreamMessage } from './event-stream';
import { bedrockExceptionName, bedrockExceptionStatus, parseBedrockError } from './parse-error';

/** The Anthropic decoder, fed the events InvokeModelWithResponseStream carries as base64 chunks. */
class ClaudeChunkDecoder extends AnthropicStreamDecoder {
  feed(payload: JsonObject, events: StreamEvent[]): void {
    const type = typeof payload.type === 'string' ? payload.type : 'message';
    this.onEvent(type, JSON.stringify(payload), events);
  }
}

type ConverseBlock = { kind: 'tool'; toolIndex: number; ended: boolean } | { kind: 'other' };

/**
 * Decodes a Bedrock response stream (AWS event-stream binary framing) into canonical events. Both operations the
 * adapter calls are understood, told apart by their events:
 * - ConverseStream: `messageStart` → response-start; `contentBlockStart` with `toolUse` → tool-call-start;
 *   `contentBlockDelta` text / toolUse.input / reasoningContent (text, signature, redactedContent) → text-delta /
 *   tool-call-delta / reasoning-delta; `contentBlockStop` → tool-call-end; `messageStop` → finish; `metadata` →
 *   usage;
 * - InvokeModelWithResponseStream (Claude): each `chunk` event's `bytes` is an Anthropic stream event in base64,
 *   decoded by the Anthropic stream decoder.
 * Exception messages (`:message-type: exception`, e.g. throttlingException) and a corrupt frame become an error
 * event; a stream that ends before the message did ends with an error event.
 */
export class BedrockStreamDecoder implements StreamDecoder {
  private readonly reader = new EventStreamReader();
  private claude?: ClaudeChunkDecoder;
  private readonly blocks = new Map<number, ConverseBlock>();
  private nextToolIndex = 0;
  private started = false;
  private finished = false;
  private failed = false;
  private ended = false;

  push(chunk: string | Uint8Array): StreamEvent[] {
    const events: StreamEvent[] = [];
    if (this.failed) return events;
    let messages: EventStreamMessage[];
    try {
      messages = this.reader.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    } catch (error) {
      this.fail(
        events,
        new GatewayError({
          kind: 'upstream',
          message: 'upstream sent a corrupt event stream message',
          raw: (error as Error).message,
        }),
      );
      return events;
    }
    for (const message of messages) {
      if (this.failed) break;
      this.handle(message, events);
    }
    return events;
  }

  end(): StreamEvent[] {
    if (this.ended) return [];
    this.ended = true;
    const events: StreamEvent[] = [];
    if (this.failed) return events;
    if (this.claude) events.push(...this.claude.end());
    else if (!this.finished) events.push(incompleteStreamEvent());
    return events;
  }

  private fail(events: StreamEvent[], error: GatewayError): void {
    this.failed = true;
    events.push({ type: 'error', error });
  }

  private handle(message: EventStreamMessage, events: StreamEvent[]): void {
    const messageType = message.headers[':message-type'] ?? 'event';
    const text = Buffer.from(message.payload).toString('utf8');
    if (messageType === 'exception') {
      const name = bedrockExceptionName(message.headers[':exception-type']);
      this.fail(events, parseBedrockError(bedrockExceptionStatus(name), text, { 'x-amzn-errortype': name }));
      return;
    }
    if (messageType === 'error') {
      const code = message.headers[':error-code'];
      const name = bedrockExceptionName(code);
      const body = JSON.stringify({ message: message.headers[':error-message'] || code || 'stream error' });
      this.fail(events, parseBedrockError(bedrockExceptionStatus(name), body, { 'x-amzn-errortype': name }));
      return;
    }
    const payload = tryParseJson(text);
    if (!isRecord(payload)) {
      this.fail(
        events,
        new GatewayError({ kind: 'upstream', message: 'upstream sent malformed stream data', raw: text }),
      );
      return;
    }
    const eventType = message.headers[':event-type'] ?? '';
    if (eventType === 'chunk') this.chunk(payload, events);
    else this.converse(eventType, payload, events);
  }

  private chunk(payload: JsonObject, events: StreamEvent[]): void {
    const inner =
      typeof payload.bytes === 'string'
        ? tryParseJson(Buffer.from(payload.bytes, 'base64').toString('utf8'))
        : undefined;
    if (!isRecord(inner)) {
      this.fail(
        events,
        new GatewayError({
          kind: 'upstream',
          message: 'upstream sent a chunk without an event',
          raw: payload,
        }),
      );
      return;
    }
    this.claude ??= new ClaudeChunkDecoder();
    const before = events.length;
    this.claude.feed(inner, events);
    if (events.slice(before).some((e) => e.type === 'error')) this.failed = true;
  }

  private start(events: StreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    events.push({
      type: 'response-start',
      id: generatedConverseId(),
      model: '',
      created: Math.floor(Date.now() / 1000),
    });
  }

  private converse(eventType: string, payload: JsonObject, events: StreamEvent[]): void {
    switch (eventType) {
      case 'messageStart':
        this.start(events);
        break;
      case 'contentBlockStart':
        this.blockStart(payload, events);
        break;
      case 'contentBlockDelta':
        this.blockDelta(payload, events);
        break;
      case 'contentBlockStop':
        this.blockStop(payload, events);
        break;
      case 'messageStop':
        this.messageStop(payload, events);
        break;
      case 'metadata': {
        const usage = fromConverseUsage(payload.usage);
        if (usage) events.push({ type: 'usage', usage });
        break;
      }
      default:
        // event types added later
        break;
    }
  }

  private blockIndex(payload: JsonObject): number {
    return typeof payload.contentBlockIndex === 'number' ? payload.contentBlockIndex : -1;
  }

  private blockStart(payload: JsonObject, events: StreamEvent[]): void {
    this.start(events);
    const index = this.blockIndex(payload);
    const start = isRecord(payload.start) ? payload.start : {};
    if (!isRecord(start.toolUse)) {
      this.blocks.set(index, { kind: 'other' });
      return;
    }
    const toolIndex = this.nextToolIndex++;
    this.blocks.set(index, { kind: 'tool', toolIndex, ended: false });
    const use = start.toolUse;
    events.push({
      type: 'tool-call-start',
      index: toolIndex,
      id: typeof use.toolUseId === 'string' && use.toolUseId !== '' ? use.toolUseId : `tooluse_${toolIndex}`,
      name: typeof use.name === 'string' ? use.name : '',
    });
  }

  private blockDelta(payload: JsonObject, events: StreamEvent[]): void {
    this.start(events);
    const delta = isRecord(payload.delta) ? payload.delta : {};
    if (typeof delta.text === 'string') {
      if (delta.text !== '') events.push({ type: 'text-delta', text: delta.text });
      return;
    }
    if (isRecord(delta.toolUse)) {
      const block = this.blocks.get(this.blockIndex(payload));
      const input = delta.toolUse.input;
      if (block?.kind === 'tool' && typeof input === 'string' && input !== '') {
        events.push({ type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: input });
      }
      return;
    }
    if (isRecord(delta.reasoningContent)) {
      const reasoning = delta.reasoningContent;
      if (typeof reasoning.text === 'string' && reasoning.text !== '') {
        events.push({ type: 'reasoning-delta', text: reasoning.text });
      }
      if (typeof reasoning.signature === 'string' && reasoning.signature !== '') {
        events.push({ type: 'reasoning-delta', text: '', signature: reasoning.signature });
      }
      if (typeof reasoning.redactedContent === 'string' && reasoning.redactedContent !== '') {
        events.push({ type: 'reasoning-delta', text: reasoning.redactedContent, redacted: true });
      }
    }
    // citation deltas and delta kinds added later have no canonical form
  }

  private blockStop(payload: JsonObject, events: StreamEvent[]): void {
    const block = this.blocks.get(this.blockIndex(payload));
    if (block?.kind === 'tool' && !block.ended) {
      block.ended = true;
      events.push({ type: 'tool-call-end', index: block.toolIndex });
    }
  }

  private messageStop(payload: JsonObject, events: StreamEvent[]): void {
    this.start(events);
    for (const block of this.blocks.values()) {
      if (block.kind === 'tool' && !block.ended) {
        block.ended = true;
        events.push({ type: 'tool-call-end', index: block.toolIndex });
      }
    }
    if (this.finished) return;
    this.finished = true;
    const finish = fromConverseStopReason(payload.stopReason);
    events.push({ type: 'finish', reason: finish.reason, raw: finish.raw });
  }
}
