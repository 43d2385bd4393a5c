import { randomUUID } from 'node:crypto';
import {
  GatewayError,
  isRecord,
  tryParseJson,
  type FinishReasonKind,
  type JsonObject,
  type StreamEvent,
  incompleteStreamEvent,
  SseStreamDecoder,
} from '@one-api/llm-core';
import { fromOpenAiFinishReason, fromOpenAiUsage } from '@one-api/llm-codecs';
import { parseOpenAiError } from './parse-error';
import { generatedCompletionId, withToolCalls } from './parse-response';

interface ChoiceState {
  /** Something was emitted for this choice (empty first deltas are kept only for the first event). */
  emitted: boolean;
  finished: boolean;
  /** Upstream tool-call index (or a synthetic key) → canonical index and id of the call open at it. */
  openCalls: Map<number, { index: number; id: string }>;
  /** Canonical indexes started and not yet ended. */
  unended: number[];
  nextToolIndex: number;
  /** Key of the most recent call, for vendors that omit `index` on argument deltas. */
  lastKey: number | undefined;
}

/**
 * Decodes an OpenAI Chat Completions SSE stream into canonical events. Tolerates vendor quirks: missing tool-call
 * `index`, the same index reused for a new call id, usage inside the choice (Moonshot) or repeated on every chunk,
 * `reasoning_content` / `reasoning` deltas, and a missing final blank line.
 */
export class OpenAiChatStreamDecoder extends SseStreamDecoder {
  private readonly choices = new Map<number, ChoiceState>();
  private started = false;
  private done = false;
  private failed = false;

  protected onEvent(_name: string, data: string, events: StreamEvent[]): void {
    this.handle(data, events);
  }

  protected onEnd(events: StreamEvent[]): void {
    if (this.failed) return;
    const finishedAny = [...this.choices.values()].some((state) => state.finished);
    if (this.done) {
      // `[DONE]` without a finish_reason: close what is open as a normal stop.
      for (const [index, state] of this.choices) {
        if (!state.finished)
          this.finishChoice(index, state, state.nextToolIndex > 0 ? 'tool_calls' : 'stop', events);
      }
    } else if (!finishedAny) {
      events.push(incompleteStreamEvent());
    }
  }

  private state(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = {
        emitted: false,
        finished: false,
        openCalls: new Map(),
        unended: [],
        nextToolIndex: 0,
        lastKey: undefined,
      };
      this.choices.set(index, state);
    }
    return state;
  }

  private handle(data: string, events: StreamEvent[]): void {
    const trimmed = data.trim();
    if (trimmed === '') return;
    if (trimmed === '[DONE]') {
      this.done = true;
      return;
    }
    const chunk = tryParseJson(trimmed);
    if (!isRecord(chunk)) {
      this.failed = true;
      events.push({
        type: 'error',
        error: new GatewayError({
          kind: 'upstream',
          message: 'upstream sent malformed stream data',
          raw: trimmed,
        }),
      });
      return;
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      this.failed = true;
      events.push({ type: 'error', error: parseOpenAiError(502, trimmed) });
      return;
    }
    if (!this.started) {
      this.started = true;
      const start: StreamEvent = {
        type: 'response-start',
        id: typeof chunk.id === 'string' && chunk.id !== '' ? chunk.id : generatedCompletionId(),
        model: typeof chunk.model === 'string' ? chunk.model : '',
        created: typeof chunk.created === 'number' ? chunk.created : Math.floor(Date.now() / 1000),
      };
      if (typeof chunk.system_fingerprint === 'string') start.systemFingerprint = chunk.system_fingerprint;
      if (typeof chunk.service_tier === 'string') start.serviceTier = chunk.service_tier;
      events.push(start);
    }
    let usage = fromOpenAiUsage(chunk.usage);
    if (Array.isArray(chunk.choices)) {
      for (const choice of chunk.choices) {
        if (!isRecord(choice)) continue;
        this.handleChoice(choice, events);
        usage ??= fromOpenAiUsage(choice.usage);
      }
    }
    if (usage) events.push({ type: 'usage', usage });
  }

  private handleChoice(choice: JsonObject, events: StreamEvent[]): void {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    const state = this.state(index);
    const tag = index === 0 ? {} : { choice: index };
    const delta = isRecord(choice.delta) ? choice.delta : isRecord(choice.message) ? choice.message : {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && (reasoning !== '' || !state.emitted)) {
      events.push({ type: 'reasoning-delta', text: reasoning, ...tag });
      state.emitted = true;
    }
    const text =
      typeof delta.content === 'string'
        ? delta.content
        : typeof delta.refusal === 'string'
          ? delta.refusal
          : undefined;
    if (text !== undefined && (text !== '' || !state.emitted)) {
      events.push({ type: 'text-delta', text, ...tag });
      state.emitted = true;
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) if (isRecord(call)) this.handleToolCall(call, state, tag, events);
    } else if (isRecord(delta.function_call)) {
      this.handleToolCall({ index: 0, function: delta.function_call }, state, tag, events);
    }
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '' && !state.finished) {
      const finish = withToolCalls(fromOpenAiFinishReason(choice.finish_reason), state.nextToolIndex > 0);
      this.finishChoice(index, state, finish.reason, events, finish.raw);
    }
  }

  private handleToolCall(
    call: JsonObject,
    state: ChoiceState,
    tag: { choice?: number },
    events: StreamEvent[],
  ): void {
    const fn = isRecord(call.function) ? call.function : {};
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : undefined;
    const name = typeof fn.name === 'string' ? fn.name : undefined;
    let key: number;
    if (typeof call.index === 'number') key = call.index;
    else {
      // No index: match by id, continue the last call when nothing identifies a new one, else open a fresh key.
      const byId = id === undefined ? undefined : [...state.openCalls].find(([, open]) => open.id === id);
      if (byId) key = byId[0];
      else if (id === undefined && name === undefined && state.lastKey !== undefined) key = state.lastKey;
      else key = -1 - state.nextToolIndex;
    }
    let open = state.openCalls.get(key);
    if (!open || (id !== undefined && id !== open.id)) {
      const index = state.nextToolIndex++;
      open = { index, id: id ?? `call_${index}_${randomUUID().replace(/-/g, '').slice(0, 16)}` };
      state.openCalls.set(key, open);
      state.unended.push(index);
      events.push({ type: 'tool-call-start', index, id: open.id, name: name ?? '', ...tag });
      state.emitted = true;
    }
    state.lastKey = key;
    const args = fn.arguments;
    const argumentsDelta =
      typeof args === 'string' ? args : args !== undefined && args !== null ? JSON.stringify(args) : '';
    if (argumentsDelta !== '') {
      events.push({ type: 'tool-call-delta', index: open.index, argumentsDelta, ...tag });
    }
  }

  private finishChoice(
    index: number,
    state: ChoiceState,
    reason: FinishReasonKind,
    events: StreamEvent[],
    raw: string | null = null,
  ): void {
    const tag = index === 0 ? {} : { choice: index };
    for (const toolIndex of state.unended) events.push({ type: 'tool-call-end', index: toolIndex, ...tag });
    state.unended = [];
    state.openCalls.clear();
    state.finished = true;
    events.push({ type: 'finish', reason, raw, ...tag });
  }
}
