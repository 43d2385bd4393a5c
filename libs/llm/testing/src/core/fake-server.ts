import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliveryPlan, FakeExchange } from './exchange';
import {
  type Fault,
  type FaultInput,
  formatFaults,
  normalizeFaults,
  parseFaultSpec,
  planFaults,
  splitFaultPrefix,
} from './faults';
import { parseJsonBody, readBody, writeJson } from './http';
import { Recorder, type RecordedRequest } from './recorder';
import { Timers } from './timers';

export interface FakeServerOptions {
  /** Port to bind; default 0 (a free port). */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Delay before answering every request (after its body was read). Default 0. */
  latencyMs?: number;
  /** Base delay before every stream event (a `slow:<ms>` fault overrides it when larger). Default 0. */
  chunkDelayMs?: number;
  /** Keep a record of requests (default true; turn off for long benchmark runs). */
  record?: boolean;
}

/** A running fake upstream. */
export interface FakeProvider {
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:41234` (what a channel's base_url holds). */
  readonly url: string;
  readonly port: number;
  /** Every request received, oldest first (a live array; `clear()` empties it). */
  readonly requests: RecordedRequest[];
  /** Forgets the recorded requests. */
  clear(): void;
  /** Forgets the recorded requests and removes every fault. */
  reset(): void;
  /** Applies a fault to every following request until changed; `null` removes it. */
  setFault(fault: FaultInput | null): void;
  /** Applies a fault to the next `count` requests only (queued after earlier `failNext` calls). */
  failNext(count: number, fault: FaultInput): void;
  /** Base URL that requests `spec` through the URL prefix, e.g. `http://127.0.0.1:41234/_fault/429`. */
  faultUrl(spec: string): string;
  /** Stops listening and drops every connection (hung and streaming ones included). */
  close(): Promise<void>;
}

/** The provider-specific half of a fake: what to answer, and how its errors look. */
export interface FakeProtocol {
  /** Answers a request no fault short-circuited. */
  handle(ex: FakeExchange): Promise<void>;
  /** Answers a `<status>` fault in the provider's error shape. */
  statusFault(ex: FakeExchange, status: number, retryAfterSeconds: number | undefined): Promise<void>;
  /** Answers a fake-level problem (bad fault spec: 400; handler crash: 500) in the provider's error shape. */
  error(ex: FakeExchange, status: number, message: string): Promise<void>;
}

interface QueuedFault {
  remaining: number;
  faults: Fault[];
}

/**
 * Starts an HTTP server (node:http only) that records requests, applies faults, then lets `protocol` answer.
 * Precedence of faults: URL prefix, then `failNext` (consumed only when it applies), then `setFault`.
 * Control endpoints for out-of-process use: `GET|DELETE /_fake/requests`, `POST /_fake/fault`
 * (`{"fault": "<spec>"|null, "count"?: n}`), `POST /_fake/reset`.
 */
export async function startFakeServer(
  protocol: FakeProtocol,
  opts: FakeServerOptions = {},
): Promise<FakeProvider> {
  const host = opts.host ?? '127.0.0.1';
  const latencyMs = opts.latencyMs ?? 0;
  const baseChunkDelayMs = opts.chunkDelayMs ?? 0;
  const recorder = new Recorder(opts.record ?? true);
  const timers = new Timers();
  let defaultFaults: Fault[] = [];
  const queue: QueuedFault[] = [];

  const setFault = (fault: FaultInput | null): void => {
    defaultFaults = fault === null ? [] : normalizeFaults(fault);
  };
  const failNext = (count: number, fault: FaultInput): void => {
    if (!Number.isInteger(count) || count < 1) throw new Error('failNext: count must be a positive integer');
    queue.push({ remaining: count, faults: normalizeFaults(fault) });
  };
  const reset = (): void => {
    recorder.clear();
    defaultFaults = [];
    queue.length = 0;
  };

  const takeFaults = (urlSpec: string | undefined): Fault[] => {
    if (urlSpec !== undefined) return parseFaultSpec(urlSpec);
    const head = queue[0];
    if (head) {
      head.remaining -= 1;
      if (head.remaining === 0) queue.shift();
      return head.faults;
    }
    return defaultFaults;
  };

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/_fake/requests' && method === 'GET')
      return writeJson(res, 200, { requests: recorder.requests });
    if (path === '/_fake/requests' && method === 'DELETE') {
      recorder.clear();
      return writeJson(res, 200, { ok: true });
    }
    if (path === '/_fake/reset' && method === 'POST') {
      reset();
      return writeJson(res, 200, { ok: true });
    }
    if (path === '/_fake/fault' && method === 'POST') {
      const parsed = parseJsonBody((await readBody(req)).toString('utf8'));
      const body = (parsed.ok ? parsed.value : undefined) as { fault?: unknown; count?: unknown } | undefined;
      try {
        if (!body || (typeof body.fault !== 'string' && body.fault !== null)) {
          throw new Error('expected {"fault": "<spec>" | null, "count"?: number}');
        }
        if (body.count !== undefined && body.fault !== null) failNext(Number(body.count), body.fault);
        else setFault(body.fault);
      } catch (e) {
        return writeJson(res, 400, { ok: false, message: (e as Error).message });
      }
      return writeJson(res, 200, { ok: true });
    }
    return writeJson(res, 404, { ok: false, message: `unknown control endpoint ${method} ${path}` });
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const url = req.url ?? '/';
    if (url.startsWith('/_fake/')) return control(req, res, url.split('?')[0]);

    const { spec, rest } = splitFaultPrefix(url);
    const q = rest.indexOf('?');
    const path = q === -1 ? rest : rest.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : rest.slice(q + 1));
    let faults: Fault[] = [];
    let specError: string | undefined;
    try {
      faults = takeFaults(spec);
    } catch (e) {
      specError = (e as Error).message;
    }
    const plan = planFaults(faults);
    const entry: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      url,
      headers: req.headers,
      body: undefined,
      rawBody: '',
      fault: faults.length > 0 ? formatFaults(faults) : specError !== undefined ? spec : undefined,
      receivedAt,
    };

    if (plan.refuse) {
      recorder.add(entry);
      req.socket.destroy();
      return;
    }

    const bytes = await readBody(req);
    const rawBody = bytes.toString('utf8');
    const parsed = parseJsonBody(rawBody);
    entry.rawBody = rawBody;
    entry.body = parsed.ok ? parsed.value : undefined;
    recorder.add(entry);

    const ex = new FakeExchange(
      req,
      res,
      path,
      query,
      rawBody,
      entry.body,
      parsed.ok,
      deliveryPlan(baseChunkDelayMs, plan),
      timers,
      bytes,
    );
    if (specError !== undefined) return protocol.error(ex, 400, specError);
    if (plan.hang) return; // held open until the client gives up or the server closes
    if (latencyMs > 0) await timers.sleep(latencyMs);
    if (res.destroyed) return;
    if (plan.status) return protocol.statusFault(ex, plan.status.status, plan.status.retryAfterSeconds);
    try {
      await protocol.handle(ex);
    } catch (e) {
      if (!res.headersSent) await protocol.error(ex, 500, `fake provider failure: ${(e as Error).message}`);
      else res.destroy();
    }
  }

  const server: Server = createServer({ requestTimeout: 0, noDelay: true }, (req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed)
        writeJson(res, 500, { error: { message: 'fake provider failure' } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    get requests() {
      return recorder.requests;
    },
    clear: () => recorder.clear(),
    reset,
    setFault,
    failNext,
    faultUrl: (faultSpec: string) =>
      `${url}/_fault/${encodeURIComponent(faultSpec).replace(/%2C/gi, ',').replace(/%3A/gi, ':')}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        timers.clearAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
