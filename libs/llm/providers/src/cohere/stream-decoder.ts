import {
  GatewayError,
  incompleteStreamEvent,
  isRecord,
  SseStreamDecoder,
  tryParseJson,
  type JsonObject,
  type StreamEvent,
} from '@one-api/llm-core';
import { cohereResponseId } from './parse-response';
import { fromCohereFinishReason, fromCohereUsage } from './usage';

/** `delta.message` of a Cohere stream event ({} when absent). */
function deltaMessage(event: JsonObject): JsonObject {
  const delta = isRecord(event.delta) ? event.delta : {};
  return isRecord(delta.message) ? delta.message : {};
}

/**
 * Decodes Cohere's v2 chat stream: SSE events named `message-start`, `content-start|delta|end`, `tool-plan-delta`,
 * `tool-call-start|delta|end`, `citation-*`, `message-end`, each carrying `{type, index?, delta}`. Text and thinking
 * deltas become text / reasoning deltas, the tool plan reasoning, tool calls are numbered in order of appearance
 * (Cohere's `index` counts content and calls separately). `message-end` carries the finish reason and usage.
 */
export class CohereStreamDecoder extends SseStreamDecoder {
  private started = false;
  private finished = false;
  private failed = false;
  private toolCalls = 0;
  private openCall: number | undefined;
  /** Content items by Cohere index: thinking items stream as reasoning. */
  private readonly thinking = new Set<number>();

  protected onEvent(name: string, data: string, events: StreamEvent[]): void {
    if (this.failed || this.finished) return;
    const trimmed = data.trim();
    if (trimmed === '' || trimmed === '[DONE]') return;
    const event = tryParseJson(trimmed);
    if (!isRecord(event)) {
      this.fail(
        events,
        new GatewayError({ kind: 'upstream', message: 'upstream sent malformed stream data', raw: trimmed }),
      );
      return;
    }
    const type = typeof event.type === 'string' ? event.type : name;
    if (!this.started && type !== 'error') this.start(event, events);
    const message = deltaMessage(event);
    const index = typeof event.index === 'number' ? event.index : 0;
    switch (type) {
      case 'content-start': {
        const content = isRecord(message.content) ? message.content : {};
        if (content.type === 'thinking') this.thinking.add(index);
        const initial = content.type === 'thinking' ? content.thinking : content.text;
        if (typeof initial === 'string' && initial !== '') this.content(index, initial, events);
        return;
      }
      case 'content-delta': {
        const content = isRecord(message.content) ? message.content : {};
        const text = typeof content.thinking === 'string' ? content.thinking : content.text;
        if (typeof content.thinking === 'string') this.thinking.add(index);
        if (typeof text === 'string' && text !== '') this.content(index, text, events);
        return;
      }
      case 'tool-plan-delta':
        if (typeof message.tool_plan === 'string' && message.tool_plan !== '')
          events.push({ type: 'reasoning-delta', text: message.tool_plan });
        return;
      case 'tool-call-start': {
        const call = isRecord(message.tool_calls) ? message.tool_calls : {};
        const fn = isRecord(call.function) ? call.function : {};
        this.closeCall(events);
        const at = this.toolCalls++;
        this.openCall = at;
        events.push({
          type: 'tool-call-start',
          index: at,
          id: typeof call.id === 'string' && call.id !== '' ? call.id : cohereResponseId(),
          name: typeof fn.name === 'string' ? fn.name : '',
        });
        if (typeof fn.arguments === 'string' && fn.arguments !== '')
          events.push({ type: 'tool-call-delta', index: at, argumentsDelta: fn.arguments });
        return;
      }
      case 'tool-call-delta': {
        const call = isRecord(message.tool_calls) ? message.tool_calls : {};
        const fn = isRecord(call.function) ? call.function : {};
        if (this.openCall !== undefined && typeof fn.arguments === 'string' && fn.arguments !== '')
          events.push({ type: 'tool-call-delta', index: this.openCall, argumentsDelta: fn.arguments });
        return;
      }
      case 'tool-call-end':
        this.closeCall(events);
        return;
      case 'message-end': {
        this.closeCall(events);
        const delta = isRecord(event.delta) ? event.delta : {};
        const usage = fromCohereUsage(delta.usage);
        if (usage) events.push({ type: 'usage', usage });
        if (delta.finish_reason === 'ERROR' && typeof delta.error === 'string' && delta.error !== '') {
          this.fail(events, new GatewayError({ kind: 'upstream', message: delta.error, raw: event }));
          return;
        }
        const finish = fromCohereFinishReason(delta.finish_reason, this.toolCalls > 0);
        events.push({ type: 'finish', reason: finish.reason, raw: finish.raw });
        this.finished = true;
        return;
      }
      case 'error':
        this.fail(
          events,
          new GatewayError({
            kind: 'upstream',
            message: typeof event.message === 'string' ? event.message : 'upstream stream failed',
            raw: event,
          }),
        );
        return;
      default:
        return; // content-end, citation-start/end, debug: nothing to carry
    }
  }

  protected onEnd(events: StreamEvent[]): void {
    if (!this.failed && !this.finished) events.push(incompleteStreamEvent());
  }

  private start(event: JsonObject, events: StreamEvent[]): void {
    this.started = true;
    events.push({
      type: 'response-start',
      id: typeof event.id === 'string' && event.id !== '' ? event.id : cohereResponseId(),
      model: '',
      created: Math.floor(Date.now() / 1000),
    });
  }

  private content(index: number, text: string, events: StreamEvent[]): void {
    events.push(this.thinking.has(index) ? { type: 'reasoning-delta', text } : { type: 'text-delta', text });
  }

  private closeCall(events: StreamEvent[]): void {
    if (this.openCall === undefined) return;
    events.push({ type: 'tool-call-end', index: this.openCall });
    this.openCall = undefined;
  }

  private fail(events: StreamEvent[], error: GatewayError): void {
    this.failed = true;
    events.push({ type: 'error', error });
  }
}
