import { isRecord, SseParser, tryParseJson, type Usage } from '@one-api/llm-core';
import { fromAnthropicUsage, mergeAnthropicUsage } from '@one-api/llm-codecs';
import { anthropicErrorFields } from './parse-error';

export interface AnthropicUsageTapOptions {
  /** Also gather generated text (text, thinking, tool names and input JSON) for a local estimate. */
  collectCompletion?: boolean;
}

const USAGE_EVENTS = new Set(['message_start', 'message_delta', 'message_stop', 'error']);

/**
 * Watches a passthrough Anthropic SSE byte stream without touching the bytes: feed it the same chunks that are
 * forwarded to the client. Only `message_start`, `message_delta`, `message_stop` and `error` events are parsed
 * (plus content events with `collectCompletion`). `usage` is the `message_start` usage merged with the cumulative
 * `message_delta` usage, set once a `message_delta` arrived; `startUsage` is what `message_start` alone said
 * (input and cache counts are final there; output is not). A stream ending with `message_stop` but no
 * `message_delta` (some Anthropic-compatible upstreams) leaves `usage` = `startUsage`.
 */
export class AnthropicStreamUsageTap {
  /** The whole-message usage, once `message_delta` was seen. */
  usage: Usage | undefined;
  /** The usage `message_start` reported (input side final, output a placeholder). */
  startUsage: Usage | undefined;
  /** The upstream sent `message_stop`. */
  done = false;
  /** `stop_reason` of `message_delta`. */
  stopReason: string | undefined;
  /** The message id and model of `message_start`. */
  messageId: string | undefined;
  model: string | undefined;
  /** An `error` event's type and message. */
  error: { type?: string; message?: string } | undefined;
  /** Generated text gathered with `collectCompletion`. */
  completionText = '';

  private readonly parser = new SseParser({ dispatchIncompleteOnEnd: true });
  private readonly collect: boolean;
  private startRaw: unknown;

  constructor(options: AnthropicUsageTapOptions = {}) {
    this.collect = options.collectCompletion ?? false;
  }

  push(chunk: Uint8Array | string): void {
    for (const event of this.parser.push(chunk)) this.inspect(event.event, event.data);
  }

  end(): void {
    for (const event of this.parser.end()) this.inspect(event.event, event.data);
  }

  private inspect(name: string, data: string): void {
    const named = USAGE_EVENTS.has(name);
    if (!named && !this.collect && name !== 'message') return;
    const payload = tryParseJson(data);
    if (!isRecord(payload)) return;
    const type = typeof payload.type === 'string' ? payload.type : name;
    switch (type) {
      case 'message_start': {
        const message = isRecord(payload.message) ? payload.message : {};
        this.startRaw = message.usage;
        this.startUsage = fromAnthropicUsage(message.usage);
        if (typeof message.id === 'string') this.messageId = message.id;
        if (typeof message.model === 'string') this.model = message.model;
        break;
      }
      case 'message_delta': {
        const delta = isRecord(payload.delta) ? payload.delta : {};
        if (typeof delta.stop_reason === 'string') this.stopReason = delta.stop_reason;
        this.usage = fromAnthropicUsage(mergeAnthropicUsage(this.startRaw, payload.usage)) ?? this.usage;
        break;
      }
      case 'message_stop':
        this.done = true;
        // An upstream that sent no message_delta: message_start's usage is all there is.
        this.usage ??= this.startUsage;
        break;
      case 'error':
        this.error = anthropicErrorFields(payload);
        break;
      case 'content_block_start':
        if (this.collect && isRecord(payload.content_block)) {
          const block = payload.content_block;
          if (typeof block.name === 'string') this.completionText += block.name;
          if (typeof block.text === 'string') this.completionText += block.text;
          if (typeof block.thinking === 'string') this.completionText += block.thinking;
        }
        break;
      case 'content_block_delta':
        if (this.collect && isRecord(payload.delta)) {
          const delta = payload.delta;
          for (const field of ['text', 'thinking', 'partial_json']) {
            const value = delta[field];
            if (typeof value === 'string') this.completionText += value;
          }
        }
        break;
      default:
        break;
    }
  }
}

/** Usage of a non-streamed Anthropic `message` body (object or JSON text), for the passthrough path. */
export function usageFromAnthropicBody(body: unknown): Usage | undefined {
  const json = typeof body === 'string' ? tryParseJson(body) : body;
  return isRecord(json) ? fromAnthropicUsage(json.usage) : undefined;
}
