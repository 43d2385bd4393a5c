import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FaultPlan } from './faults';
import { writeAndFlush, writeJson } from './http';
import type { Timers } from './timers';

/** How the current response must be delivered: base pacing plus the stream faults of the request. */
export interface DeliveryPlan {
  chunkDelayMs: number;
  cutAfterChunks?: number;
}

export function deliveryPlan(baseChunkDelayMs: number, faults: FaultPlan): DeliveryPlan {
  return {
    chunkDelayMs: Math.max(baseChunkDelayMs, faults.chunkDelayMs),
    cutAfterChunks: faults.cutAfterChunks,
  };
}

/**
 * One request/response pair handed to a provider protocol. `json` and `sse` apply the delivery faults
 * (slow, cut) so protocols only describe *what* to answer.
 */
export class FakeExchange {
  /** Value for the `x-request-id` response header. */
  readonly requestId = `req_${randomBytes(16).toString('hex')}`;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** Path after the fault prefix, without query string. */
    readonly path: string,
    readonly query: URLSearchParams,
    readonly rawBody: string,
    /** Parsed JSON body (undefined when empty); meaningless when `bodyIsJson` is false. */
    readonly body: unknown,
    /** False when the body was non-empty and not valid JSON. */
    readonly bodyIsJson: boolean,
    readonly delivery: DeliveryPlan,
    private readonly timers: Timers,
    /** The body's bytes as received (multipart uploads are binary: `rawBody` is their UTF-8 reading). */
    readonly bytes: Buffer = Buffer.alloc(0),
  ) {}

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }

  /**
   * Sends a JSON body. Under `slow:<ms>` it is delayed once; under `cut:<n>` the headers and the first half of
   * the body are written, then the socket is destroyed.
   */
  async json(status: number, body: unknown, headers: OutgoingHttpHeaders = {}): Promise<void> {
    const { res, delivery } = this;
    const allHeaders = { 'x-request-id': this.requestId, ...headers };
    if (delivery.chunkDelayMs > 0) await this.timers.sleep(delivery.chunkDelayMs);
    if (res.destroyed) return;
    if (delivery.cutAfterChunks === undefined) {
      writeJson(res, status, body, allHeaders);
      return;
    }
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      ...allHeaders,
    });
    await writeAndFlush(res, payload.slice(0, Math.floor(payload.length / 2)));
    res.socket?.destroy();
  }

  /**
   * Sends an SSE stream: one `data: <event>\n\n` write per event (`event: <name>\ndata: <data>\n\n` for an
   * `SseFrame`), then `data: <terminator>\n\n` (if given) and the end.
   * `slow:<ms>` sleeps before every event (headers are flushed first); `cut:<n>` writes at most n events — never
   * the terminator — then destroys the socket. Stops quietly if the client goes away.
   */
  async sse(
    events: ReadonlyArray<string | SseFrame>,
    terminator?: string,
    headers: OutgoingHttpHeaders = {},
  ): Promise<void> {
    const { res, delivery } = this;
    const cut = delivery.cutAfterChunks;
    const delay = delivery.chunkDelayMs;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': this.requestId,
      ...headers,
    });
    if (delay > 0 || cut === 0) res.flushHeaders();
    const total = events.length + (terminator === undefined ? 0 : 1);
    for (let i = 0; i < total; i++) {
      if (cut !== undefined && (i >= cut || i >= events.length)) {
        res.socket?.destroy();
        return;
      }
      if (delay > 0) await this.timers.sleep(delay);
      if (res.destroyed) return;
      const frame = sseFrame(i < events.length ? events[i] : (terminator as string));
      if (cut !== undefined) await writeAndFlush(res, frame);
      else if (!res.write(frame)) await drained(res);
    }
    res.end();
  }

  /**
   * Sends a binary stream of pre-framed messages (AWS event stream), one write per message, with the same `slow` /
   * `cut:<n>` delivery faults as `sse` (a cut writes at most n messages, then destroys the socket).
   */
  async binaryStream(messages: ReadonlyArray<Uint8Array>, headers: OutgoingHttpHeaders = {}): Promise<void> {
    const { res, delivery } = this;
    const cut = delivery.cutAfterChunks;
    const delay = delivery.chunkDelayMs;
    res.writeHead(200, { 'x-request-id': this.requestId, ...headers });
    if (delay > 0 || cut === 0) res.flushHeaders();
    for (let i = 0; i < messages.length; i++) {
      if (cut !== undefined && i >= cut) {
        res.socket?.destroy();
        return;
      }
      if (delay > 0) await this.timers.sleep(delay);
      if (res.destroyed) return;
      const frame = Buffer.from(messages[i].buffer, messages[i].byteOffset, messages[i].byteLength);
      if (cut !== undefined) await writeAndFlush(res, frame);
      else if (!res.write(frame)) await drained(res);
    }
    // a cut past the last message still never ends the stream cleanly
    if (cut !== undefined) res.socket?.destroy();
    else res.end();
  }

  /**
   * Sends a JSON-lines stream (Ollama's `application/x-ndjson`): one `JSON.stringify(value)\n` write per value, with
   * the same `slow` / `cut` faults as `sse` (a cut stream never gets its last line).
   */
  async ndjson(values: readonly unknown[], headers: OutgoingHttpHeaders = {}): Promise<void> {
    const { res, delivery } = this;
    const cut = delivery.cutAfterChunks;
    const delay = delivery.chunkDelayMs;
    res.writeHead(200, {
      'content-type': 'application/x-ndjson',
      'x-request-id': this.requestId,
      ...headers,
    });
    if (delay > 0 || cut === 0) res.flushHeaders();
    for (let i = 0; i < values.length; i++) {
      if (cut !== undefined && i >= cut) {
        res.socket?.destroy();
        return;
      }
      if (delay > 0) await this.timers.sleep(delay);
      if (res.destroyed) return;
      const line = `${JSON.stringify(values[i])}\n`;
      if (cut !== undefined) await writeAndFlush(res, line);
      else if (!res.write(line)) await drained(res);
    }
    res.end();
  }
}

/** A named SSE event (`event: <event>` line before the data), for protocols that name their events. */
export interface SseFrame {
  event?: string;
  data: string;
}

function sseFrame(item: string | SseFrame): string {
  if (typeof item === 'string') return `data: ${item}\n\n`;
  return `${item.event ? `event: ${item.event}\n` : ''}data: ${item.data}\n\n`;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
