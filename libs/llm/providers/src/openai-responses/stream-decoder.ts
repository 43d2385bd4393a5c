import {
  GatewayError,
  isRecord,
  tryParseJson,
  type JsonObject,
  type StreamEvent,
  incompleteStreamEvent,
  SseStreamDecoder,
} from '@one-api/llm-core';
import { fromResponsesUsage, randomResponsesId } from '@one-api/llm-codecs';
import { responsesFailureError } from './parse-error';
import { reasoningPart, responsesFinishReason } from './parse-response';

interface ItemState {
  type: string;
  /** Canonical tool-call index (function and custom tool calls). */
  toolIndex?: number;
  /** Something was streamed for the item (text, reasoning or argument deltas). */
  streamed: boolean;
  /** Which reasoning stream the item uses (`summary` or `content`); the other is ignored. */
  reasoningSource?: 'summary' | 'content';
  lastSummaryIndex?: number;
  /** A custom tool call's JSON prefix `{"input":"` was emitted. */
  customOpen?: boolean;
  ended: boolean;
}

const escapeJson = (text: string) => JSON.stringify(text).slice(1, -1);

/**
 * Decodes an OpenAI Responses SSE stream into canonical events: `response.created` starts the response, output
 * items become text / reasoning deltas and tool calls (a custom tool's raw input is streamed as the canonical
 * `{"input": …}` arguments), `response.completed` / `response.incomplete` give usage and the finish, and
 * `response.failed` or an `error` event an error. Items whose deltas a vendor leaves out are read whole from
 * `response.output_item.done`. A stream that ends before a terminal event ends with an error.
 */
export class OpenAiResponsesStreamDecoder extends SseStreamDecoder {
  private readonly items = new Map<string, ItemState>();
  private nextToolIndex = 0;
  private started = false;
  private terminal = false;
  private failed = false;

  protected onEvent(name: string, data: string, events: StreamEvent[]): void {
    this.handle(name, data, events);
  }

  protected onEnd(events: StreamEvent[]): void {
    if (!this.terminal && !this.failed) {
      events.push(incompleteStreamEvent());
    }
  }

  private handle(eventName: string, data: string, events: StreamEvent[]): void {
    if (this.terminal || this.failed) return;
    const trimmed = data.trim();
    if (trimmed === '' || trimmed === '[DONE]') return;
    const payload = tryParseJson(trimmed);
    if (!isRecord(payload)) {
      this.fail(
        events,
        new GatewayError({ kind: 'upstream', message: 'upstream sent malformed stream data', raw: trimmed }),
      );
      return;
    }
    const type = typeof payload.type === 'string' ? payload.type : eventName;
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        this.start(payload.response, events);
        return;
      case 'response.output_item.added':
        this.start(undefined, events);
        this.itemAdded(payload, events);
        return;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.textDelta(payload, events);
        return;
      case 'response.reasoning_summary_part.added':
        this.summaryPart(payload, events);
        return;
      case 'response.reasoning_summary_text.delta':
        this.reasoningDelta(payload, 'summary', events);
        return;
      case 'response.reasoning_text.delta':
        this.reasoningDelta(payload, 'content', events);
        return;
      case 'response.function_call_arguments.delta':
        this.argumentsDelta(payload, events);
        return;
      case 'response.function_call_arguments.done':
        this.argumentsDone(payload, events);
        return;
      case 'response.custom_tool_call_input.delta':
        this.customDelta(payload, events);
        return;
      case 'response.output_item.done':
        this.start(undefined, events);
        this.itemDone(payload, events);
        return;
      case 'response.completed':
      case 'response.incomplete':
        this.start(payload.response, events);
        this.complete(payload.response, events);
        return;
      case 'response.failed': {
        const response = isRecord(payload.response) ? payload.response : {};
        this.fail(events, responsesFailureError(response.error, 'upstream response failed'));
        return;
      }
      case 'error':
        this.fail(events, responsesFailureError(isRecord(payload.error) ? payload.error : payload));
        return;
      default:
        return;
    }
  }

  private fail(events: StreamEvent[], error: GatewayError): void {
    this.failed = true;
    events.push({ type: 'error', error });
  }

  private start(response: unknown, events: StreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    const r = isRecord(response) ? response : {};
    const start: StreamEvent = {
      type: 'response-start',
      id: typeof r.id === 'string' && r.id !== '' ? r.id : randomResponsesId('resp'),
      model: typeof r.model === 'string' ? r.model : '',
      created: typeof r.created_at === 'number' ? r.created_at : Math.floor(Date.now() / 1000),
    };
    // While in progress OpenAI echoes the requested tier (`auto`); only a concrete tier is worth reporting.
    if (typeof r.service_tier === 'string' && r.service_tier !== 'auto') start.serviceTier = r.service_tier;
    events.push(start);
  }

  private key(payload: JsonObject, item?: JsonObject): string {
    const id = item ? item.id : payload.item_id;
    if (typeof id === 'string' && id !== '' && this.items.has(id)) return id;
    if (typeof payload.output_index === 'number') return `#${payload.output_index}`;
    return typeof id === 'string' ? id : '#?';
  }

  /** The item's state, registered under its id and its output index. */
  private item(payload: JsonObject, type: string, item?: JsonObject): ItemState {
    const key = this.key(payload, item);
    let state = this.items.get(key);
    if (!state) {
      state = { type, streamed: false, ended: false };
      this.items.set(key, state);
      if (typeof payload.output_index === 'number') this.items.set(`#${payload.output_index}`, state);
      const id = item ? item.id : payload.item_id;
      if (typeof id === 'string' && id !== '') this.items.set(id, state);
    }
    return state;
  }

  private startCall(state: ItemState, item: JsonObject, events: StreamEvent[]): void {
    if (state.toolIndex !== undefined) return;
    state.toolIndex = this.nextToolIndex++;
    const callId = typeof item.call_id === 'string' && item.call_id !== '' ? item.call_id : undefined;
    events.push({
      type: 'tool-call-start',
      index: state.toolIndex,
      id: callId ?? (typeof item.id === 'string' ? item.id : `call_${state.toolIndex}`),
      name: typeof item.name === 'string' ? item.name : '',
    });
  }

  private itemAdded(payload: JsonObject, events: StreamEvent[]): void {
    const item = isRecord(payload.item) ? payload.item : {};
    const type = typeof item.type === 'string' ? item.type : '';
    const state = this.item(payload, type, item);
    if (type === 'function_call' || type === 'custom_tool_call') {
      this.startCall(state, item, events);
      const initial = type === 'function_call' ? item.arguments : undefined;
      if (typeof initial === 'string' && initial !== '') {
        state.streamed = true;
        events.push({ type: 'tool-call-delta', index: state.toolIndex as number, argumentsDelta: initial });
      }
    }
  }

  private textDelta(payload: JsonObject, events: StreamEvent[]): void {
    if (typeof payload.delta !== 'string' || payload.delta === '') return;
    this.item(payload, 'message').streamed = true;
    events.push({ type: 'text-delta', text: payload.delta });
  }

  private summaryPart(payload: JsonObject, events: StreamEvent[]): void {
    const state = this.item(payload, 'reasoning');
    if (state.reasoningSource === 'content') return;
    const index = typeof payload.summary_index === 'number' ? payload.summary_index : 0;
    if (state.streamed && state.lastSummaryIndex !== undefined && index !== state.lastSummaryIndex) {
      events.push({ type: 'reasoning-delta', text: '\n\n' });
    }
    state.lastSummaryIndex = index;
  }

  private reasoningDelta(payload: JsonObject, source: 'summary' | 'content', events: StreamEvent[]): void {
    if (typeof payload.delta !== 'string' || payload.delta === '') return;
    const state = this.item(payload, 'reasoning');
    state.reasoningSource ??= source;
    if (state.reasoningSource !== source) return;
    if (source === 'summary') {
      const index = typeof payload.summary_index === 'number' ? payload.summary_index : 0;
      if (state.streamed && state.lastSummaryIndex !== undefined && index !== state.lastSummaryIndex) {
        events.push({ type: 'reasoning-delta', text: '\n\n' });
      }
      state.lastSummaryIndex = index;
    }
    state.streamed = true;
    events.push({ type: 'reasoning-delta', text: payload.delta });
  }

  private argumentsDelta(payload: JsonObject, events: StreamEvent[]): void {
    const state = this.item(payload, 'function_call');
    if (state.toolIndex === undefined) this.startCall(state, { id: payload.item_id }, events);
    if (typeof payload.delta !== 'string' || payload.delta === '') return;
    state.streamed = true;
    events.push({ type: 'tool-call-delta', index: state.toolIndex as number, argumentsDelta: payload.delta });
  }

  private argumentsDone(payload: JsonObject, events: StreamEvent[]): void {
    const state = this.item(payload, 'function_call');
    if (state.toolIndex === undefined) {
      this.startCall(state, { id: payload.item_id, name: payload.name }, events);
    }
    if (!state.streamed && typeof payload.arguments === 'string' && payload.arguments !== '') {
      state.streamed = true;
      events.push({
        type: 'tool-call-delta',
        index: state.toolIndex as number,
        argumentsDelta: payload.arguments,
      });
    }
  }

  private customDelta(payload: JsonObject, events: StreamEvent[]): void {
    const state = this.item(payload, 'custom_tool_call');
    if (state.toolIndex === undefined) this.startCall(state, { id: payload.item_id }, events);
    if (typeof payload.delta !== 'string' || payload.delta === '') return;
    const index = state.toolIndex as number;
    if (!state.customOpen) {
      state.customOpen = true;
      events.push({ type: 'tool-call-delta', index, argumentsDelta: '{"input":"' });
    }
    state.streamed = true;
    events.push({ type: 'tool-call-delta', index, argumentsDelta: escapeJson(payload.delta) });
  }

  private itemDone(payload: JsonObject, events: StreamEvent[]): void {
    const item = isRecord(payload.item) ? payload.item : {};
    const type = typeof item.type === 'string' ? item.type : '';
    const state = this.item(payload, type, item);
    if (state.ended) return;
    state.ended = true;
    switch (type) {
      case 'function_call':
      case 'custom_tool_call': {
        this.startCall(state, item, events);
        const index = state.toolIndex as number;
        if (type === 'custom_tool_call') {
          const input = typeof item.input === 'string' ? item.input : '';
          if (state.customOpen) events.push({ type: 'tool-call-delta', index, argumentsDelta: '"}' });
          else events.push({ type: 'tool-call-delta', index, argumentsDelta: JSON.stringify({ input }) });
        } else if (!state.streamed && typeof item.arguments === 'string' && item.arguments !== '') {
          events.push({ type: 'tool-call-delta', index, argumentsDelta: item.arguments });
        }
        events.push({ type: 'tool-call-end', index });
        return;
      }
      case 'message':
        if (!state.streamed && Array.isArray(item.content)) {
          for (const part of item.content) {
            if (!isRecord(part)) continue;
            const text = part.type === 'refusal' ? part.refusal : part.text;
            if (typeof text === 'string' && text !== '') events.push({ type: 'text-delta', text });
          }
        }
        return;
      case 'reasoning': {
        const part = reasoningPart(item);
        if (!part || part.type !== 'reasoning') return;
        if (!state.streamed && part.text !== '') events.push({ type: 'reasoning-delta', text: part.text });
        if (part.signature !== undefined)
          events.push({ type: 'reasoning-delta', text: '', signature: part.signature });
        return;
      }
      default:
        return;
    }
  }

  private complete(response: unknown, events: StreamEvent[]): void {
    this.terminal = true;
    const r = isRecord(response) ? response : {};
    // Close calls the upstream never closed (an item without output_item.done).
    const open = new Set<ItemState>();
    for (const state of this.items.values())
      if (state.toolIndex !== undefined && !state.ended) open.add(state);
    for (const state of [...open].sort((a, b) => (a.toolIndex as number) - (b.toolIndex as number))) {
      state.ended = true;
      if (state.customOpen)
        events.push({ type: 'tool-call-delta', index: state.toolIndex as number, argumentsDelta: '"}' });
      events.push({ type: 'tool-call-end', index: state.toolIndex as number });
    }
    const usage = fromResponsesUsage(r.usage);
    if (usage) events.push({ type: 'usage', usage });
    const status = typeof r.status === 'string' ? r.status : 'completed';
    const incomplete = isRecord(r.incomplete_details) ? r.incomplete_details.reason : undefined;
    const finish = responsesFinishReason(status, incomplete, this.nextToolIndex > 0);
    events.push({ type: 'finish', reason: finish.reason, raw: finish.raw });
  }
}
