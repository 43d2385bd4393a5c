import { isRecord, incompleteStreamEvent, NdjsonStreamDecoder, type StreamEvent } from '@one-api/llm-core';
import { parseOllamaError } from './parse-error';
import {
  ollamaCreated,
  ollamaFinishReason,
  ollamaResponseId,
  ollamaToolCall,
  ollamaUsage,
} from './parse-response';

/**
 * Decodes Ollama's `/api/chat` stream: JSON lines, each `{model, created_at, message: {content, thinking?,
 * tool_calls?}, done: false}`, then one `done: true` line with `done_reason` and the counts. Tool calls arrive whole
 * (start, one arguments delta, end). A `{"error": "..."}` line ends the stream with an error.
 */
export class OllamaStreamDecoder extends NdjsonStreamDecoder {
  private started = false;
  private done = false;
  private toolCalls = 0;

  protected onLine(value: unknown, events: StreamEvent[]): void | 'stop' {
    if (this.done || !isRecord(value)) return;
    if (typeof value.error === 'string') {
      events.push({ type: 'error', error: parseOllamaError(502, JSON.stringify(value)) });
      return 'stop';
    }
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'response-start',
        id: ollamaResponseId(),
        model: typeof value.model === 'string' ? value.model : '',
        created: ollamaCreated(value),
      });
    }
    const message = isRecord(value.message) ? value.message : {};
    if (typeof message.thinking === 'string' && message.thinking !== '')
      events.push({ type: 'reasoning-delta', text: message.thinking });
    if (typeof message.content === 'string' && message.content !== '')
      events.push({ type: 'text-delta', text: message.content });
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord) : []) {
      const part = ollamaToolCall(call);
      if (part.type !== 'tool-call') continue;
      const index = this.toolCalls++;
      events.push({ type: 'tool-call-start', index, id: part.id, name: part.name });
      events.push({ type: 'tool-call-delta', index, argumentsDelta: part.arguments });
      events.push({ type: 'tool-call-end', index });
    }
    if (value.done === true) {
      this.done = true;
      const usage = ollamaUsage(value);
      if (usage) events.push({ type: 'usage', usage });
      const finish = ollamaFinishReason(value.done_reason, this.toolCalls > 0);
      events.push({ type: 'finish', reason: finish.reason, raw: finish.raw });
    }
  }

  protected onEnd(events: StreamEvent[]): void {
    if (!this.done) events.push(incompleteStreamEvent());
  }
}
