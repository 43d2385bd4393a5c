import {
  GatewayError,
  incompleteStreamEvent,
  isRecord,
  SseStreamDecoder,
  tryParseJson,
  type StreamEvent,
} from '@one-api/llm-core';
import { parseReplicateError } from './parse-error';
import { predictionFinish, predictionUsage, replicateToolCallId, replyParts } from './parse-response';

/** The event the exchange hook appends after `done`: the finished prediction, for its token counts. */
export const REPLICATE_PREDICTION_EVENT = 'prediction';

/**
 * Decodes a prediction's SSE stream (`output` events carry raw text pieces, then `done`, or `error`), followed by the
 * `prediction` event the exchange hook appends with the finished prediction (metrics → usage). Text streams through
 * as it comes, except a reply that starts like a JSON object: it is held until `done` to tell a prompt-based tool call
 * (`{"tool_call": …}`) from a JSON answer.
 */
export class ReplicateStreamDecoder extends SseStreamDecoder {
  private started = false;
  private held = '';
  private streaming = false;
  private done = false;
  private finished = false;
  private failed = false;
  private toolCalls = false;

  protected onEvent(name: string, data: string, events: StreamEvent[]): void {
    if (this.failed || this.finished) return;
    this.start(events);
    switch (name) {
      case 'output':
        if (this.done) return;
        if (this.streaming) {
          if (data !== '') events.push({ type: 'text-delta', text: data });
          return;
        }
        this.held += data;
        // Decide as soon as the first non-blank character shows whether this may be a JSON reply.
        if (this.held.trim() !== '' && !/^\s*(?:\{|`)/.test(this.held)) {
          this.streaming = true;
          events.push({ type: 'text-delta', text: this.held });
          this.held = '';
        }
        return;
      case 'done': {
        this.done = true;
        const detail = tryParseJson(data);
        const reason = isRecord(detail) ? detail.reason : undefined;
        if (reason === 'canceled' || reason === 'error') {
          this.fail(
            events,
            new GatewayError({ kind: 'upstream', message: `the prediction ended: ${reason}` }),
          );
          return;
        }
        this.flushHeld(events);
        return;
      }
      case 'error': {
        const body = tryParseJson(data);
        this.fail(
          events,
          isRecord(body)
            ? parseReplicateError(502, data)
            : new GatewayError({ kind: 'upstream', message: data || 'the prediction failed' }),
        );
        return;
      }
      case REPLICATE_PREDICTION_EVENT: {
        const prediction = tryParseJson(data);
        if (!this.done || !isRecord(prediction)) return;
        const usage = predictionUsage(prediction);
        if (usage) events.push({ type: 'usage', usage });
        const finish = predictionFinish(prediction, this.toolCalls);
        events.push({ type: 'finish', reason: finish.reason, raw: finish.raw });
        this.finished = true;
        return;
      }
      default:
        return;
    }
  }

  protected onEnd(events: StreamEvent[]): void {
    if (this.failed || this.finished) return;
    if (!this.done) {
      events.push(incompleteStreamEvent());
      return;
    }
    events.push({ type: 'finish', reason: this.toolCalls ? 'tool_calls' : 'stop', raw: null });
  }

  private start(events: StreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    events.push({
      type: 'response-start',
      id: replicateToolCallId(),
      model: '',
      created: Math.floor(Date.now() / 1000),
    });
  }

  private flushHeld(events: StreamEvent[]): void {
    if (this.held === '') return;
    let index = 0;
    for (const part of replyParts(this.held)) {
      if (part.type === 'text') events.push({ type: 'text-delta', text: part.text });
      else if (part.type === 'tool-call') {
        this.toolCalls = true;
        events.push({ type: 'tool-call-start', index, id: part.id, name: part.name });
        events.push({ type: 'tool-call-delta', index, argumentsDelta: part.arguments });
        events.push({ type: 'tool-call-end', index });
        index++;
      }
    }
    this.held = '';
  }

  private fail(events: StreamEvent[], error: GatewayError): void {
    this.failed = true;
    events.push({ type: 'error', error });
  }
}
