import {
  incompleteStreamEvent,
  isRecord,
  SseStreamDecoder,
  tryParseJson,
  type StreamEvent,
} from '@one-api/llm-core';
import { ernieBodyError, ernieFinish, ernieToolCall, ernieUsage } from './parse-response';

/**
 * ERNIE's stream: `data:` events, each a whole chat object holding the next sentence in `result`
 * (`sentence_id` counts them), cumulative `usage`, and `is_end: true` on the last one; an error is one
 * `{error_code, error_msg}` event.
 */
export class BaiduStreamDecoder extends SseStreamDecoder {
  private started = false;
  private finished = false;

  protected onEvent(_name: string, data: string, events: StreamEvent[]): void {
    const json = tryParseJson(data);
    if (!isRecord(json) || this.finished) return;
    const error = ernieBodyError(json);
    if (error) {
      this.finished = true;
      events.push({ type: 'error', error });
      return;
    }
    const id = typeof json.id === 'string' ? json.id : '';
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'response-start',
        id,
        model: '',
        created: typeof json.created === 'number' ? json.created : Math.floor(Date.now() / 1000),
      });
    }
    if (typeof json.result === 'string' && json.result !== '')
      events.push({ type: 'text-delta', text: json.result });
    const call = ernieToolCall(json, id);
    if (call && call.type === 'tool-call') {
      events.push({ type: 'tool-call-start', index: 0, id: call.id, name: call.name });
      events.push({ type: 'tool-call-delta', index: 0, argumentsDelta: call.arguments });
      events.push({ type: 'tool-call-end', index: 0 });
    }
    if (json.is_end === true) {
      this.finished = true;
      const usage = ernieUsage(json.usage);
      if (usage) events.push({ type: 'usage', usage });
      const finish = ernieFinish(json);
      events.push({ type: 'finish', reason: finish.reason, raw: finish.raw });
    }
  }

  protected onEnd(events: StreamEvent[]): void {
    if (!this.finished) events.push(incompleteStreamEvent());
  }
}
