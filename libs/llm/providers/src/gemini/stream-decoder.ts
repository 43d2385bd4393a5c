import {
  GatewayError,
  isRecord,
  tryParseJson,
  type FinishReason,
  type JsonObject,
  type StreamEvent,
  type Usage,
  incompleteStreamEvent,
  SseStreamDecoder,
} from '@one-api/llm-core';
import { fromGeminiFinishReason } from './finish-reason';
import { parseGeminiError } from './parse-error';
import { geminiCreated, geminiResponseId, geminiPartToCanonical } from './parse-response';
import { fromGeminiUsage } from './usage';

interface CandidateState {
  nextToolIndex: number;
  finish: FinishReason | undefined;
}

/**
 * Decodes `streamGenerateContent?alt=sse`: every `data:` event is a whole `GenerateContentResponse` chunk (no event
 * names, no `[DONE]`). Text and thought parts become text / reasoning deltas; each `functionCall` part arrives whole
 * and becomes tool-call start, one arguments delta and end; an `inlineData` image becomes one generated-image event. `usageMetadata` is cumulative, so the last one counts.
 * Usage and the finish events are emitted when the upstream closes the stream (Gemini closes right after the chunk
 * with `finishReason`); a stream that ends without any finish reason ends with an error event.
 */
export class GeminiStreamDecoder extends SseStreamDecoder {
  private readonly candidates = new Map<number, CandidateState>();
  private usage: Usage | undefined;
  private started = false;
  private failed = false;
  private blocked: string | undefined;

  protected onEvent(_name: string, data: string, events: StreamEvent[]): void {
    this.handle(data, events);
  }

  protected onEnd(events: StreamEvent[]): void {
    if (this.failed) return;
    const finished = [...this.candidates].filter(([, state]) => state.finish !== undefined);
    if (finished.length === 0 && this.blocked === undefined) {
      events.push(incompleteStreamEvent());
      return;
    }
    if (this.usage) events.push({ type: 'usage', usage: this.usage });
    if (finished.length === 0) {
      events.push({ type: 'finish', reason: 'content_filter', raw: this.blocked ?? null });
      return;
    }
    for (const [index, state] of finished.sort((a, b) => a[0] - b[0])) {
      const finish = state.finish as FinishReason;
      events.push({
        type: 'finish',
        reason: finish.reason,
        raw: finish.raw,
        ...(index === 0 ? {} : { choice: index }),
      });
    }
  }

  private fail(events: StreamEvent[], error: GatewayError): void {
    this.failed = true;
    events.push({ type: 'error', error });
  }

  private handle(data: string, events: StreamEvent[]): void {
    if (this.failed) return;
    const trimmed = data.trim();
    if (trimmed === '') return;
    const chunk = tryParseJson(trimmed);
    if (!isRecord(chunk)) {
      this.fail(
        events,
        new GatewayError({ kind: 'upstream', message: 'upstream sent malformed stream data', raw: trimmed }),
      );
      return;
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      this.fail(events, parseGeminiError(502, trimmed));
      return;
    }
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'response-start',
        id:
          typeof chunk.responseId === 'string' && chunk.responseId !== ''
            ? chunk.responseId
            : geminiResponseId(),
        model: typeof chunk.modelVersion === 'string' ? chunk.modelVersion : '',
        created: geminiCreated(chunk),
      });
    }
    if (Array.isArray(chunk.candidates)) {
      chunk.candidates.forEach((candidate, position) => {
        if (isRecord(candidate)) this.handleCandidate(candidate, position, events);
      });
    }
    const feedback = chunk.promptFeedback;
    if (isRecord(feedback) && typeof feedback.blockReason === 'string') this.blocked = feedback.blockReason;
    this.usage = fromGeminiUsage(chunk.usageMetadata) ?? this.usage;
  }

  private handleCandidate(candidate: JsonObject, position: number, events: StreamEvent[]): void {
    const index = typeof candidate.index === 'number' ? candidate.index : position;
    let state = this.candidates.get(index);
    if (!state) {
      state = { nextToolIndex: 0, finish: undefined };
      this.candidates.set(index, state);
    }
    const tag = index === 0 ? {} : { choice: index };
    const content = isRecord(candidate.content) ? candidate.content : {};
    const parts = Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
    for (const part of parts) {
      for (const item of geminiPartToCanonical(part)) {
        if (item.type === 'text') events.push({ type: 'text-delta', text: item.text, ...tag });
        else if (item.type === 'reasoning') {
          events.push({
            type: 'reasoning-delta',
            text: item.text,
            ...(item.signature !== undefined ? { signature: item.signature } : {}),
            ...tag,
          });
        } else if (item.type === 'generated-image') {
          events.push({ type: 'generated-image', mediaType: item.mediaType, data: item.data, ...tag });
        } else {
          const toolIndex = state.nextToolIndex++;
          events.push({ type: 'tool-call-start', index: toolIndex, id: item.id, name: item.name, ...tag });
          events.push({ type: 'tool-call-delta', index: toolIndex, argumentsDelta: item.arguments, ...tag });
          events.push({ type: 'tool-call-end', index: toolIndex, ...tag });
        }
      }
    }
    if (typeof candidate.finishReason === 'string' && candidate.finishReason !== '') {
      state.finish = fromGeminiFinishReason(candidate.finishReason, state.nextToolIndex > 0);
    }
  }
}
