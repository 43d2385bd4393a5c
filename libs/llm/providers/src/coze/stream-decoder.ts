import {
  asNumber,
  GatewayError,
  incompleteStreamEvent,
  isRecord,
  makeUsage,
  SseStreamDecoder,
  tryParseJson,
  type JsonObject,
  type StreamEvent,
  type Usage,
} from '@one-api/llm-core';
import { parseCozeError } from './parse-error';

/** A chat's `usage: {token_count, input_count, output_count}` → canonical. */
export function cozeUsage(chat: JsonObject): Usage | undefined {
  const usage = isRecord(chat.usage) ? chat.usage : undefined;
  if (!usage) return undefined;
  const input = asNumber(usage.input_count);
  const output = asNumber(usage.output_count);
  if (input === undefined || output === undefined) return undefined;
  return makeUsage({ inputTokens: input, outputTokens: output, totalTokens: asNumber(usage.token_count) });
}

/** Messages that are the bot's reply (not verbose status, follow-up suggestions or plugin traffic). */
export function isCozeAnswer(message: JsonObject): boolean {
  return (
    (message.role === undefined || message.role === 'assistant') &&
    (message.type === undefined || message.type === 'answer')
  );
}

/**
 * Decodes a v3 chat stream: `conversation.chat.created` starts, `conversation.message.delta` of `answer` messages
 * carries text (`content`) and reasoning (`reasoning_content`), `conversation.chat.completed` carries usage and ends
 * the reply; `conversation.chat.failed`, `conversation.chat.requires_action` (a local plugin the gateway cannot run)
 * and `error` end it with an error. An answer seen only as `conversation.message.completed` is emitted whole.
 */
export class CozeStreamDecoder extends SseStreamDecoder {
  private started = false;
  private finished = false;
  private failed = false;
  private readonly streamedMessages = new Set<string>();

  protected onEvent(name: string, data: string, events: StreamEvent[]): void {
    if (this.failed || this.finished) return;
    if (name === 'done') return;
    const payload = tryParseJson(data);
    if (name === 'error') {
      this.fail(events, parseCozeError(502, data));
      return;
    }
    if (!isRecord(payload)) return;
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'response-start',
        id: String(payload.chat_id ?? payload.id ?? ''),
        model: typeof payload.bot_id === 'string' ? payload.bot_id : '',
        created: asNumber(payload.created_at) ?? Math.floor(Date.now() / 1000),
      });
    }
    switch (name) {
      case 'conversation.message.delta':
        if (!isCozeAnswer(payload)) return;
        if (typeof payload.id === 'string') this.streamedMessages.add(payload.id);
        if (typeof payload.reasoning_content === 'string' && payload.reasoning_content !== '')
          events.push({ type: 'reasoning-delta', text: payload.reasoning_content });
        if (typeof payload.content === 'string' && payload.content !== '')
          events.push({ type: 'text-delta', text: payload.content });
        return;
      case 'conversation.message.completed':
        if (
          !isCozeAnswer(payload) ||
          (typeof payload.id === 'string' && this.streamedMessages.has(payload.id))
        )
          return;
        if (typeof payload.content === 'string' && payload.content !== '')
          events.push({ type: 'text-delta', text: payload.content });
        return;
      case 'conversation.chat.completed': {
        const usage = cozeUsage(payload);
        if (usage) events.push({ type: 'usage', usage });
        events.push({ type: 'finish', reason: 'stop', raw: String(payload.status ?? 'completed') });
        this.finished = true;
        return;
      }
      case 'conversation.chat.failed':
        this.fail(events, parseCozeError(502, data));
        return;
      case 'conversation.chat.requires_action':
        this.fail(
          events,
          new GatewayError({
            kind: 'upstream',
            message: 'the Coze bot asked for a local plugin result, which the gateway cannot supply',
            raw: payload,
          }),
        );
        return;
      default:
        return; // conversation.chat.created / in_progress, conversation.audio.delta, ...
    }
  }

  protected onEnd(events: StreamEvent[]): void {
    if (!this.failed && !this.finished) events.push(incompleteStreamEvent());
  }

  private fail(events: StreamEvent[], error: GatewayError): void {
    this.failed = true;
    events.push({ type: 'error', error });
  }
}
