import {
  GatewayError,
  incompleteStreamEvent,
  isRecord,
  makeUsage,
  SseStreamDecoder,
  tryParseJson,
  type CanonicalResponse,
  type StreamEvent,
  type Usage,
} from '@one-api/llm-core';

type WireObject = Record<string, unknown>;

/** A frame's `header.code` other than 0 → a gateway error (iFlytek codes: 10013 content, 11200/11201 quota, ...). */
export function sparkFrameError(frame: WireObject): GatewayError | undefined {
  const header = isRecord(frame.header) ? frame.header : undefined;
  if (!header || typeof header.code !== 'number' || header.code === 0) return undefined;
  const code = header.code;
  const message = typeof header.message === 'string' ? header.message : `Spark error ${code}`;
  const base = { message, providerCode: String(code), raw: frame };
  if (code === 11202 || code === 11203) return new GatewayError({ ...base, kind: 'rate-limit', status: 429 });
  if (code >= 10013 && code <= 10022)
    return new GatewayError({ ...base, kind: 'invalid-request', status: 400 });
  if (code === 10907) return new GatewayError({ ...base, kind: 'context-length', status: 400 });
  return new GatewayError({
    ...base,
    kind: 'upstream',
    status: 502,
    retryable: code === 11200 || code === 11201,
  });
}

function frameText(frame: WireObject): string {
  const choices =
    isRecord(frame.payload) && isRecord(frame.payload.choices) ? frame.payload.choices : undefined;
  if (!choices || !Array.isArray(choices.text)) return '';
  return choices.text.map((t) => (isRecord(t) && typeof t.content === 'string' ? t.content : '')).join('');
}

function frameUsage(frame: WireObject): Usage | undefined {
  const usage =
    isRecord(frame.payload) && isRecord(frame.payload.usage) ? frame.payload.usage.text : undefined;
  if (!isRecord(usage)) return undefined;
  return makeUsage({
    inputTokens: typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0,
    outputTokens: typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0,
  });
}

function isLast(frame: WireObject): boolean {
  return isRecord(frame.header) && frame.header.status === 2;
}

function sid(frame: WireObject): string {
  return isRecord(frame.header) && typeof frame.header.sid === 'string' ? frame.header.sid : '';
}

/** A whole (non-streamed) call: the JSON array of every frame received, joined into one answer. */
export function parseSparkFrames(json: unknown): CanonicalResponse {
  const frames = Array.isArray(json) ? json.filter(isRecord) : [];
  if (frames.length === 0) throw new GatewayError({ kind: 'upstream', message: 'Spark answered no frames' });
  for (const frame of frames) {
    const error = sparkFrameError(frame);
    if (error) throw error;
  }
  const last = frames[frames.length - 1];
  const text = frames.map(frameText).join('');
  return {
    id: sid(frames[0]),
    model: '',
    created: Math.floor(Date.now() / 1000),
    content: text ? [{ type: 'text', text }] : [],
    finishReason: isLast(last) ? { reason: 'stop', raw: 'stop' } : { reason: 'other', raw: null },
    usage: frameUsage(last),
  };
}

/** A streamed call: `exchange` relays each WebSocket frame as one `data:` event. */
export class SparkStreamDecoder extends SseStreamDecoder {
  private started = false;
  private finished = false;

  protected onEvent(_name: string, data: string, events: StreamEvent[]): void {
    const frame = tryParseJson(data);
    if (!isRecord(frame) || this.finished) return;
    const error = sparkFrameError(frame);
    if (error) {
      this.finished = true;
      events.push({ type: 'error', error });
      return;
    }
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'response-start',
        id: sid(frame),
        model: '',
        created: Math.floor(Date.now() / 1000),
      });
    }
    const text = frameText(frame);
    if (text) events.push({ type: 'text-delta', text });
    if (isLast(frame)) {
      this.finished = true;
      const usage = frameUsage(frame);
      if (usage) events.push({ type: 'usage', usage });
      events.push({ type: 'finish', reason: 'stop', raw: 'stop' });
    }
  }

  protected onEnd(events: StreamEvent[]): void {
    if (!this.finished) events.push(incompleteStreamEvent());
  }
}
