import {
  GatewayError,
  isRecord,
  tryParseJson,
  type JsonObject,
  type UpstreamChannel,
  type UpstreamExchangeResponse,
  type UpstreamHttpRequest,
  type UpstreamIo,
} from '@one-api/llm-core';
import { bufferedAnswer, peekSseStream, readText } from '../exchange-body';
import { replicateApiRoot } from './build-request';
import { predictionText } from './parse-response';
import { REPLICATE_PREDICTION_EVENT } from './stream-decoder';

export interface ReplicatePolling {
  /** First wait between polls; doubled up to `maxIntervalMs`. */
  initialIntervalMs: number;
  maxIntervalMs: number;
  /** Give up (timeout error) when the prediction has not ended after this long. */
  deadlineMs: number;
}

export const DEFAULT_REPLICATE_POLLING: ReplicatePolling = {
  initialIntervalMs: 250,
  maxIntervalMs: 2000,
  deadlineMs: 10 * 60_000,
};

const TERMINAL = new Set(['succeeded', 'failed', 'canceled', 'aborted']);

type Body = UpstreamExchangeResponse['body'];

const answer = bufferedAnswer;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

function sse(event: string, data: string): string {
  return `event: ${event}\n${data
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}

/** The message of a stream `error` event (`{"detail": "..."}` or plain text). */
function errorText(data: string | undefined): string {
  if (data === undefined || data === '') return 'the prediction stream ended without output';
  const parsed = tryParseJson(data);
  return isRecord(parsed) && typeof parsed.detail === 'string' ? parsed.detail : data;
}

function urlsOf(prediction: JsonObject): JsonObject {
  return isRecord(prediction.urls) ? prediction.urls : {};
}

/**
 * Creates the prediction, then:
 * - stream call and the prediction has `urls.stream` → the SSE stream of its output, followed by a `prediction`
 *   event with the finished prediction (fetched once after `done`) for the token counts;
 * - otherwise → polls `urls.get` (bounded back-off, the caller's cancellation honoured) until the prediction ends,
 *   and answers the prediction as JSON (or, for a stream call, as the same SSE events in one go).
 * A failed or canceled prediction is answered with status 502 and its body, so `parseError` maps it and the relay may
 * try another channel; an HTTP error of Replicate is handed over as it came.
 */
export async function replicateExchange(
  request: UpstreamHttpRequest,
  channel: UpstreamChannel,
  io: UpstreamIo,
  polling: ReplicatePolling = DEFAULT_REPLICATE_POLLING,
): Promise<UpstreamExchangeResponse> {
  const created = await io.send({
    url: request.url,
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  if (!ok(created.statusCode)) return created;
  const createdText = await created.body.text();
  const first = tryParseJson(createdText);
  if (!isRecord(first)) return answer(502, 'application/json', createdText);
  const stream = (tryParseJson(request.body) as { stream?: unknown } | undefined)?.stream === true;
  const auth: Record<string, string> = {};
  if (request.headers.Authorization) auth.Authorization = request.headers.Authorization;
  const getUrl = (prediction: JsonObject) =>
    typeof urlsOf(prediction).get === 'string'
      ? (urlsOf(prediction).get as string)
      : `${replicateApiRoot(channel)}/predictions/${String(prediction.id)}`;

  /** The prediction as it is now, or Replicate's non-2xx answer to hand over. */
  const fetchPrediction = async (
    prediction: JsonObject,
  ): Promise<{ prediction: JsonObject } | { response: UpstreamExchangeResponse }> => {
    const res = await io.send({ url: getUrl(prediction), method: 'GET', headers: auth });
    if (!ok(res.statusCode)) return { response: res };
    const text = await res.body.text();
    const parsed = tryParseJson(text);
    return isRecord(parsed) ? { prediction: parsed } : { response: answer(502, 'application/json', text) };
  };

  const streamUrl = urlsOf(first).stream;
  if (stream && typeof streamUrl === 'string' && !TERMINAL.has(String(first.status))) {
    const res = await io.send({
      url: streamUrl,
      method: 'GET',
      headers: { ...auth, Accept: 'text/event-stream', 'Cache-Control': 'no-store' },
    });
    if (!ok(res.statusCode)) return res;
    const opened = await peekSseStream(res.body, (event) =>
      event.event === 'error' ? 'fail' : event.event === 'output' || event.event === 'done' ? 'go' : 'wait',
    );
    // A prediction that fails before its first output is answered like a failed poll: the relay may try another
    // channel, since nothing reached the caller yet.
    if ('failed' in opened) {
      const error = errorText(opened.failed?.data);
      return answer(502, 'application/json', JSON.stringify({ ...first, status: 'failed', error }));
    }
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: withTrailer(opened.body, first),
    };
  }

  let prediction = first;
  let interval = polling.initialIntervalMs;
  const deadline = io.now() + polling.deadlineMs;
  while (!TERMINAL.has(String(prediction.status))) {
    if (io.now() > deadline)
      throw new GatewayError({ kind: 'timeout', message: 'the prediction did not finish in time' });
    await sleep(interval, io.signal);
    interval = Math.min(interval * 2, polling.maxIntervalMs);
    const next = await fetchPrediction(prediction);
    if ('response' in next) return next.response;
    prediction = next.prediction;
  }
  const json = JSON.stringify(prediction);
  if (prediction.status !== 'succeeded') return answer(502, 'application/json', json);
  if (!stream) return answer(200, 'application/json', json);
  return answer(
    200,
    'text/event-stream',
    sse('output', predictionText(prediction.output)) +
      sse('done', '{}') +
      sse(REPLICATE_PREDICTION_EVENT, json),
  );

  /** The upstream SSE bytes, then the finished prediction as one more event (nothing when it cannot be read). */
  function withTrailer(upstream: Body, created: JsonObject): Body {
    const chunks = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of upstream) yield chunk;
      try {
        const finished = await fetchPrediction(created);
        if ('prediction' in finished)
          yield Buffer.from(sse(REPLICATE_PREDICTION_EVENT, JSON.stringify(finished.prediction)), 'utf8');
      } catch {
        // the counts are a bonus: without them the relay estimates
      }
    };
    return {
      [Symbol.asyncIterator]: chunks,
      text: () => readText(chunks()),
    };
  }
}
