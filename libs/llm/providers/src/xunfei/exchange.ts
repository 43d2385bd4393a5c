import {
  GatewayError,
  isRecord,
  tryParseJson,
  type UpstreamChannel,
  type UpstreamExchangeResponse,
  type UpstreamHttpRequest,
  type UpstreamIo,
} from '@one-api/llm-core';
import { WebSocket } from 'undici';
import { sparkAuthUrl, splitSparkKey } from './auth-url';
import { SPARK_STREAM_MARKER } from './build-request';
import { sparkFrameError } from './frames';

function channelProblem(message: string): GatewayError {
  return new GatewayError({ kind: 'upstream', status: 502, retryable: true, message });
}

/** A push-fed async iterable of byte chunks (the streamed frames), ended once. */
class ChunkQueue implements AsyncIterable<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private done = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  readonly all: string[] = [];

  push(text: string): void {
    this.all.push(text);
    this.chunks.push(Buffer.from(text));
    this.wake?.();
  }

  end(failure?: Error): void {
    this.done = true;
    this.failure = failure;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const next = this.chunks.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.done) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

/**
 * One Spark v1 call over a WebSocket: the URL signed at this moment, the request frame sent, the answer frames read
 * until `header.status` 2. The relay gets an ordinary answer: a non-2xx status with the frame when the first frame
 * is an error (so it can try another channel), else 200 with — for a stream — each frame as a `data:` event as it
 * arrives, or — for a whole answer — the JSON array of frames.
 */
export async function sparkExchange(
  request: UpstreamHttpRequest,
  channel: UpstreamChannel,
  io: UpstreamIo,
): Promise<UpstreamExchangeResponse> {
  const { apiKey, apiSecret } = splitSparkKey(channel.key);
  const stream = request.headers[SPARK_STREAM_MARKER] === '1';
  const socket = new WebSocket(sparkAuthUrl(request.url, apiKey, apiSecret, new Date(io.now())));
  const queue = new ChunkQueue();
  const frames: unknown[] = [];
  const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()));
  const onAbort = () => socket.close();
  io.signal.addEventListener('abort', onAbort, { once: true });

  const first = new Promise<unknown>((resolve, reject) => {
    let opened = false;
    let seenFirst = false;
    socket.addEventListener('open', () => {
      opened = true;
      socket.send(request.body);
    });
    socket.addEventListener('message', (event) => {
      const text =
        typeof event.data === 'string' ? event.data : Buffer.from(event.data as ArrayBuffer).toString();
      const frame = tryParseJson(text);
      frames.push(frame);
      if (stream) queue.push(`data: ${text}\n\n`);
      if (!seenFirst) {
        seenFirst = true;
        resolve(frame);
      }
      if (isRecord(frame) && isRecord(frame.header) && (frame.header.status === 2 || frame.header.code !== 0))
        socket.close();
    });
    socket.addEventListener('error', () => {
      if (!opened)
        reject(channelProblem('the Spark WebSocket handshake was refused (check APPID|APISecret|APIKey)'));
    });
    socket.addEventListener('close', () => {
      io.signal.removeEventListener('abort', onAbort);
      queue.end();
      if (!seenFirst && opened) reject(channelProblem('the Spark WebSocket closed before answering'));
    });
  });

  const head = await first;
  const error = isRecord(head) ? sparkFrameError(head) : undefined;
  if (error) {
    socket.close();
    return answer(error.status, JSON.stringify(head), oneChunk(JSON.stringify(head)));
  }
  if (stream) return answer(200, undefined, queue, () => Promise.resolve(queue.all.join('')));
  await closed;
  const text = JSON.stringify(frames);
  return answer(200, text, oneChunk(text));
}

function oneChunk(text: string): AsyncIterable<Uint8Array> {
  return (async function* () {
    yield Buffer.from(text);
  })();
}

function answer(
  statusCode: number,
  text: string | undefined,
  chunks: AsyncIterable<Uint8Array>,
  readAll?: () => Promise<string>,
): UpstreamExchangeResponse {
  const body = Object.assign(chunks, {
    text: readAll ?? (() => Promise.resolve(text ?? '')),
  });
  return { statusCode, headers: { 'content-type': 'application/json' }, body };
}
