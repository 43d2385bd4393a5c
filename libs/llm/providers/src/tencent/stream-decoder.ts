import {
  GatewayError,
  incompleteStreamEvent,
  isRecord,
  SseStreamDecoder,
  tryParseJson,
  type StreamEvent,
  type Usage,
} from '@one-api/llm-core';
import { hunyuanFinishKind, hunyuanUsage, tencentError } from './parse-response';

/**
 * Hunyuan's stream: `data: {Choices: [{Delta: {Role, Content}, FinishReason}], Usage, Id, Created}` events, the last
 * with a non-empty `FinishReason`. A refused call is answered 200 with a plain JSON `{Response: {Error}}` instead of
 * SSE, which this decoder recognises and reports as the error.
 */
export class TencentStreamDecoder extends SseStreamDecoder {
  private started = false;
  private finished = false;
  private usage: Usage | undefined;
  /** set while the body looks like plain JSON rather than SSE */
  private plain: string | undefined;
  private sawBytes = false;
  private readonly utf8 = new TextDecoder();
  private readonly openTools = new Set<number>();

  override push(chunk: string | Uint8Array): StreamEvent[] {
    if (!this.sawBytes || this.plain !== undefined) {
      const text = typeof chunk === 'string' ? chunk : this.utf8.decode(chunk, { stream: true });
      if (!this.sawBytes && text.trim() !== '') {
        this.sawBytes = true;
        if (text.trimStart().startsWith('{')) this.plain = '';
      }
      if (this.plain !== undefined) {
        this.plain += text;
        return [];
      }
      return super.push(text);
    }
    return super.push(chunk);
  }

  override end(): StreamEvent[] {
    if (this.plain !== undefined) {
      const json = tryParseJson(this.plain);
      const error =
        isRecord(json) && isRecord(json.Response) && isRecord(json.Response.Error)
          ? tencentError(json.Response.Error, json)
          : new GatewayError({
              kind: 'upstream',
              message: 'Hunyuan answered a stream request without a stream',
            });
      this.plain = undefined;
      this.finished = true;
      return [{ type: 'error', error }];
    }
    return super.end();
  }

  protected onEvent(_name: string, data: string, events: StreamEvent[]): void {
    const json = tryParseJson(data);
    if (!isRecord(json) || this.finished) return;
    const response = isRecord(json.Response) ? json.Response : json;
    if (isRecord(response.Error)) {
      this.finished = true;
      events.push({ type: 'error', error: tencentError(response.Error, json) });
      return;
    }
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'response-start',
        id: typeof response.Id === 'string' ? response.Id : '',
        model: '',
        created: typeof response.Created === 'number' ? response.Created : Math.floor(Date.now() / 1000),
      });
    }
    this.usage = hunyuanUsage(response.Usage) ?? this.usage;
    const choice =
      Array.isArray(response.Choices) && isRecord(response.Choices[0]) ? response.Choices[0] : {};
    const delta = isRecord(choice.Delta) ? choice.Delta : {};
    if (typeof delta.Content === 'string' && delta.Content !== '')
      events.push({ type: 'text-delta', text: delta.Content });
    if (Array.isArray(delta.ToolCalls)) this.toolCalls(delta.ToolCalls, events);
    if (typeof choice.FinishReason === 'string' && choice.FinishReason !== '') {
      this.finished = true;
      const calledTool = this.openTools.size > 0;
      for (const index of this.openTools) events.push({ type: 'tool-call-end', index });
      this.openTools.clear();
      if (this.usage) events.push({ type: 'usage', usage: this.usage });
      // a forced tool call may end with "stop": callers of other formats need to hear it was a tool call
      const kind = hunyuanFinishKind(choice.FinishReason);
      events.push({
        type: 'finish',
        reason: calledTool && kind === 'stop' ? 'tool_calls' : kind,
        raw: choice.FinishReason,
      });
    }
  }

  /** Tool calls by `Index`: the first piece names the call, later pieces carry more of its arguments. */
  private toolCalls(calls: unknown[], events: StreamEvent[]): void {
    calls.forEach((call, position) => {
      if (!isRecord(call)) return;
      const index = typeof call.Index === 'number' ? call.Index : position;
      const fn = isRecord(call.Function) ? call.Function : {};
      if (!this.openTools.has(index)) {
        this.openTools.add(index);
        events.push({
          type: 'tool-call-start',
          index,
          id: typeof call.Id === 'string' ? call.Id : `call_${index}`,
          name: typeof fn.Name === 'string' ? fn.Name : '',
        });
      }
      if (typeof fn.Arguments === 'string' && fn.Arguments !== '')
        events.push({ type: 'tool-call-delta', index, argumentsDelta: fn.Arguments });
    });
  }

  protected onEnd(events: StreamEvent[]): void {
    if (!this.finished) events.push(incompleteStreamEvent());
  }
}
