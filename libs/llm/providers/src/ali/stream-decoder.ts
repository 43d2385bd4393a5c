import {
  GatewayError,
  incompleteStreamEvent,
  isRecord,
  SseStreamDecoder,
  tryParseJson,
  type StreamEvent,
  type Usage,
} from '@one-api/llm-core';
import { aliBodyError, aliFinishKind, aliUsage } from './parse-response';

/**
 * DashScope's SSE stream (`X-DashScope-SSE: enable`, `incremental_output: true`): `event:result` events whose data is
 * a whole generation object holding only the new text, tool-call pieces by index, a cumulative `usage`, and
 * `finish_reason` `"null"` until the last event; failures arrive as `event:error` with `{code, message}`.
 */
export class AliStreamDecoder extends SseStreamDecoder {
  private started = false;
  private finished = false;
  private usage: Usage | undefined;
  private readonly openTools = new Map<number, boolean>();

  protected onEvent(name: string, data: string, events: StreamEvent[]): void {
    const json = tryParseJson(data);
    if (!isRecord(json)) return;
    if (name === 'error') {
      events.push({
        type: 'error',
        error:
          aliBodyError(json) ??
          new GatewayError({
            kind: 'upstream',
            message: String(json.message ?? 'DashScope stream error'),
            raw: json,
          }),
      });
      this.finished = true;
      return;
    }
    const bodyError = aliBodyError(json);
    if (bodyError) {
      events.push({ type: 'error', error: bodyError });
      this.finished = true;
      return;
    }
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'response-start',
        id: typeof json.request_id === 'string' ? json.request_id : '',
        model: '',
        created: Math.floor(Date.now() / 1000),
      });
    }
    this.usage = aliUsage(json.usage) ?? this.usage;
    const output = isRecord(json.output) ? json.output : {};
    const choice =
      Array.isArray(output.choices) && isRecord(output.choices[0]) ? output.choices[0] : undefined;
    const message = choice && isRecord(choice.message) ? choice.message : undefined;
    if (message) {
      if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '')
        events.push({ type: 'reasoning-delta', text: message.reasoning_content });
      if (typeof message.content === 'string' && message.content !== '')
        events.push({ type: 'text-delta', text: message.content });
      if (Array.isArray(message.tool_calls)) this.toolCalls(message.tool_calls, events);
    } else if (typeof output.text === 'string' && output.text !== '') {
      events.push({ type: 'text-delta', text: output.text });
    }
    const raw = choice ? choice.finish_reason : output.finish_reason;
    if (typeof raw === 'string' && raw !== 'null' && raw !== '') this.finish(raw, events);
  }

  private toolCalls(calls: unknown[], events: StreamEvent[]): void {
    calls.forEach((call, position) => {
      if (!isRecord(call)) return;
      const index = typeof call.index === 'number' ? call.index : position;
      const fn = isRecord(call.function) ? call.function : {};
      if (!this.openTools.has(index)) {
        this.openTools.set(index, true);
        events.push({
          type: 'tool-call-start',
          index,
          id: typeof call.id === 'string' ? call.id : `call_${index}`,
          name: typeof fn.name === 'string' ? fn.name : '',
        });
      }
      if (typeof fn.arguments === 'string' && fn.arguments !== '')
        events.push({ type: 'tool-call-delta', index, argumentsDelta: fn.arguments });
    });
  }

  private finish(raw: string, events: StreamEvent[]): void {
    if (this.finished) return;
    this.finished = true;
    const calledTool = this.openTools.size > 0;
    for (const index of this.openTools.keys()) events.push({ type: 'tool-call-end', index });
    this.openTools.clear();
    if (this.usage) events.push({ type: 'usage', usage: this.usage });
    // A forced tool call ends with "stop" (as on OpenAI); callers of other formats need to hear it was a tool call.
    const reason = calledTool && aliFinishKind(raw) === 'stop' ? 'tool_calls' : aliFinishKind(raw);
    events.push({ type: 'finish', reason, raw });
  }

  protected onEnd(events: StreamEvent[]): void {
    if (!this.finished) events.push(incompleteStreamEvent());
  }
}
