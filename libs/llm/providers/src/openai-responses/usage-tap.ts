import { isRecord, SseParser, tryParseJson, type Usage } from '@one-api/llm-core';
import { fromResponsesUsage } from '@one-api/llm-codecs';

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const TEXT_DELTAS = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.reasoning_summary_text.delta',
  'response.reasoning_text.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
]);

export interface ResponsesUsageTapOptions {
  /** Also gather generated text (output text, reasoning, tool arguments) for a local estimate. */
  collectCompletion?: boolean;
}

/**
 * Watches a passthrough Responses SSE byte stream without touching it: feed it the chunks forwarded to the client.
 * Usage comes from the `response` of the terminal event (`response.completed`, `response.incomplete` or
 * `response.failed`); only events whose name or data mention one are parsed unless `collectCompletion` is on.
 */
export class ResponsesUsageTap {
  usage: Usage | undefined;
  /** The terminal event's type once seen (the stream ended properly). */
  terminal: string | undefined;
  /** The upstream response id (from the first event carrying a response). */
  responseId: string | undefined;
  /** Generated text gathered with `collectCompletion`. */
  completionText = '';

  private readonly parser = new SseParser({ dispatchIncompleteOnEnd: true });
  private readonly collect: boolean;

  constructor(options: ResponsesUsageTapOptions = {}) {
    this.collect = options.collectCompletion ?? false;
  }

  /** True once a terminal event was seen. */
  get done(): boolean {
    return this.terminal !== undefined;
  }

  push(chunk: Uint8Array | string): void {
    for (const event of this.parser.push(chunk)) this.inspect(event.event, event.data);
  }

  end(): void {
    for (const event of this.parser.end()) this.inspect(event.event, event.data);
  }

  private inspect(name: string, data: string): void {
    const interesting =
      TERMINAL.has(name) ||
      (this.responseId === undefined && name === 'response.created') ||
      (this.collect && TEXT_DELTAS.has(name)) ||
      (name === 'message' && /"type"\s*:\s*"response\./.test(data));
    if (!interesting) return;
    const payload = tryParseJson(data);
    if (!isRecord(payload)) return;
    const type = typeof payload.type === 'string' ? payload.type : name;
    const response = isRecord(payload.response) ? payload.response : undefined;
    if (response && this.responseId === undefined && typeof response.id === 'string')
      this.responseId = response.id;
    if (TERMINAL.has(type)) {
      this.terminal = type;
      this.usage = fromResponsesUsage(response?.usage) ?? this.usage;
    } else if (this.collect && TEXT_DELTAS.has(type) && typeof payload.delta === 'string') {
      this.completionText += payload.delta;
    }
  }
}

/** Usage of a non-streamed `response` object (object or JSON text), for the passthrough path. */
export function usageFromResponsesBody(body: unknown): Usage | undefined {
  const json = typeof body === 'string' ? tryParseJson(body) : body;
  return isRecord(json) ? fromResponsesUsage(json.usage) : undefined;
}
