import { randomUUID } from 'node:crypto';
import {
  formatSseEvent,
  makeUsage,
  type EncodeContext,
  type FinishReason,
  type ResponseStartEvent,
  type StreamEncoder,
  type StreamEvent,
  type Usage,
} from '@one-api/llm-core';
import { anthropicMessageId, GENERATED_IMAGE_DROPPED } from './content-blocks';
import { encodeAnthropicMessagesError } from './encode-error';
import { toAnthropicStopReason } from './stop-reason';
import { toAnthropicDeltaUsage, toAnthropicUsage } from './usage-mapping';
import type { AnthropicMessageWire, AnthropicStreamEventName } from './wire-types';

type OpenBlock =
  | { kind: 'text'; index: number }
  | { kind: 'thinking'; index: number; signed: boolean }
  | { kind: 'tool'; index: number };

function event(name: AnthropicStreamEventName, payload: unknown): string {
  return formatSseEvent(JSON.stringify(payload), name);
}

/** `event: ping` with the data Anthropic sends; also usable as a keep-alive between events. */
export const ANTHROPIC_PING = event('ping', { type: 'ping' });

/**
 * Writes canonical stream events as Anthropic Messages SSE (`event: <type>` + `data: <json>` per event):
 * `message_start` (then one `ping`), `content_block_start` / `content_block_delta` (`text_delta`,
 * `thinking_delta`, `signature_delta`, `input_json_delta`) / `content_block_stop` per block, and at `finish()`
 * `message_delta` with `stop_reason` and the cumulative usage, then `message_stop`. A text or thinking block is
 * closed when another block starts; tool_use blocks stay open until their `tool-call-end` (or the finish), so
 * interleaved tool-call deltas still land in the right block. An `error` event ends the stream without
 * `message_stop`. Only choice 0 is written (Claude has no `n`).
 */
export class AnthropicMessagesStreamEncoder implements StreamEncoder {
  private start: ResponseStartEvent | undefined;
  private started = false;
  private nextIndex = 0;
  /** The open text or thinking block (at most one). */
  private open: OpenBlock | undefined;
  /** Open tool_use blocks by canonical tool-call index. */
  private readonly tools = new Map<number, OpenBlock>();
  private usage: Usage | undefined;
  private finishReason: FinishReason | undefined;
  private errored = false;
  private closed = false;

  constructor(private readonly ctx: EncodeContext) {}

  encode(ev: StreamEvent): string {
    if (this.closed || this.errored) return '';
    if ('choice' in ev && ev.choice !== undefined && ev.choice !== 0) return '';
    switch (ev.type) {
      case 'response-start':
        this.start = ev;
        return this.messageStart();
      case 'text-delta': {
        if (ev.text === '') return this.messageStart();
        let out = this.messageStart();
        if (this.open?.kind !== 'text') out += this.openBlock('text', { type: 'text', text: '' });
        return (
          out +
          event('content_block_delta', {
            type: 'content_block_delta',
            index: (this.open as OpenBlock).index,
            delta: { type: 'text_delta', text: ev.text },
          })
        );
      }
      case 'reasoning-delta':
        return this.reasoning(ev.text, ev.signature, ev.redacted === true);
      case 'tool-call-start': {
        let out = this.messageStart() + this.closeOpen();
        const index = this.nextIndex++;
        this.tools.set(ev.index, { kind: 'tool', index });
        out += event('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: ev.id, name: ev.name, input: {} },
        });
        return out;
      }
      case 'tool-call-delta': {
        const block = this.tools.get(ev.index);
        if (!block || ev.argumentsDelta === '') return '';
        return event('content_block_delta', {
          type: 'content_block_delta',
          index: block.index,
          delta: { type: 'input_json_delta', partial_json: ev.argumentsDelta },
        });
      }
      case 'tool-call-end': {
        const block = this.tools.get(ev.index);
        if (!block) return '';
        this.tools.delete(ev.index);
        return event('content_block_stop', { type: 'content_block_stop', index: block.index });
      }
      case 'generated-image':
        this.ctx.warn?.(GENERATED_IMAGE_DROPPED);
        return '';
      case 'usage':
        this.usage = ev.usage;
        return '';
      case 'finish':
        this.finishReason = { reason: ev.reason, raw: ev.raw };
        return this.messageStart() + this.closeAll();
      case 'error': {
        this.errored = true;
        const body = encodeAnthropicMessagesError(ev.error).body;
        return event('error', body);
      }
      default:
        return '';
    }
  }

  /** A keep-alive `ping` (only once the message started, and not after it ended). */
  ping(): string {
    return this.started && !this.closed && !this.errored ? ANTHROPIC_PING : '';
  }

  finish(): string {
    if (this.closed) return '';
    this.closed = true;
    if (this.errored) return '';
    let out = this.messageStart() + this.closeAll();
    const finish = this.finishReason ?? { reason: 'stop', raw: null };
    out += event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: toAnthropicStopReason(finish), stop_sequence: null },
      usage: toAnthropicDeltaUsage(this.usage ?? makeUsage({})),
    });
    out += event('message_stop', { type: 'message_stop' });
    return out;
  }

  private messageStart(): string {
    if (this.started) return '';
    this.started = true;
    const start = (this.start ??= {
      type: 'response-start',
      id: `msg_${randomUUID().replace(/-/g, '')}`,
      model: this.ctx.request.model,
      created: Math.floor(Date.now() / 1000),
    });
    const message: AnthropicMessageWire = {
      id: anthropicMessageId(start.id),
      type: 'message',
      role: 'assistant',
      model: this.ctx.model ?? start.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: toAnthropicUsage(this.usage ?? makeUsage({})),
    };
    return event('message_start', { type: 'message_start', message }) + ANTHROPIC_PING;
  }

  private reasoning(text: string, signature: string | undefined, redacted: boolean): string {
    let out = this.messageStart();
    if (redacted) {
      out += this.closeOpen();
      const index = this.nextIndex++;
      out += event('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'redacted_thinking', data: text },
      });
      return out + event('content_block_stop', { type: 'content_block_stop', index });
    }
    if (text === '' && signature === undefined) return out;
    // A signature closes its thinking block: text after it starts a new block.
    if (this.open?.kind !== 'thinking' || (this.open.signed && text !== '')) {
      out += this.openBlock('thinking', { type: 'thinking', thinking: '', signature: '' });
    }
    const block = this.open as OpenBlock & { kind: 'thinking' };
    if (text !== '') {
      out += event('content_block_delta', {
        type: 'content_block_delta',
        index: block.index,
        delta: { type: 'thinking_delta', thinking: text },
      });
    }
    if (signature !== undefined && signature !== '') {
      block.signed = true;
      out += event('content_block_delta', {
        type: 'content_block_delta',
        index: block.index,
        delta: { type: 'signature_delta', signature },
      });
    }
    return out;
  }

  private openBlock(kind: 'text' | 'thinking', contentBlock: Record<string, unknown>): string {
    const out = this.closeOpen();
    const index = this.nextIndex++;
    this.open = kind === 'text' ? { kind, index } : { kind, index, signed: false };
    return (
      out + event('content_block_start', { type: 'content_block_start', index, content_block: contentBlock })
    );
  }

  private closeOpen(): string {
    if (!this.open) return '';
    const index = this.open.index;
    this.open = undefined;
    return event('content_block_stop', { type: 'content_block_stop', index });
  }

  private closeAll(): string {
    let out = this.closeOpen();
    const open = [...this.tools.values()].sort((a, b) => a.index - b.index);
    this.tools.clear();
    for (const block of open)
      out += event('content_block_stop', { type: 'content_block_stop', index: block.index });
    return out;
  }
}
