// Raw node:http clients: the management API calls, stream time-to-first-byte, many open streams.
import http from 'node:http';

/** A tiny JSON client for the gateway's management API that keeps the session cookie. */
export class ApiClient {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.cookie = '';
  }

  async call(method, path, body) {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.getSetCookie?.() ?? [];
    if (setCookie.length) this.cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok || json.success === false) {
      throw new Error(`${method} ${path}: HTTP ${res.status}: ${json.message ?? text.slice(0, 200)}`);
    }
    return json.data;
  }
}

/** True when `url` answers HTTP at all (any status). */
export function httpAlive(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/**
 * One streamed POST on `agent`: times from the request being sent to the response headers and to the first
 * body byte, then drains the stream. Times in µs.
 */
export function timeStream({ url, headers, body, agent, timeoutMs = 10_000 }) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const payload = Buffer.from(body);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        const tHeaders = process.hrtime.bigint();
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`stream ${url}: HTTP ${res.statusCode}`));
        }
        let tFirst;
        let bytes = 0;
        res.on('data', (chunk) => {
          if (tFirst === undefined) tFirst = process.hrtime.bigint();
          bytes += chunk.length;
        });
        res.on('end', () => {
          clearTimeout(timer);
          if (tFirst === undefined) return reject(new Error(`stream ${url}: empty body`));
          resolve({
            headersMicros: Number(tHeaders - t0) / 1000,
            firstByteMicros: Number(tFirst - t0) / 1000,
            totalMicros: Number(process.hrtime.bigint() - t0) / 1000,
            bytes,
          });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`stream ${url}: no answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    const t0 = process.hrtime.bigint();
    req.end(payload);
  });
}

/**
 * Opens `count` streamed POSTs at once (each on its own connection) and resolves when every one has its
 * response headers and first byte, or when `timeoutMs` passes. `close()` drops them all.
 */
export async function openStreams({ url, headers, body, count, timeoutMs = 60_000 }) {
  const u = new URL(url);
  const payload = Buffer.from(body);
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const state = { opened: 0, failed: 0, ended: 0, errors: new Map(), requests: [] };
  let notify;
  const progress = new Promise((resolve) => (notify = resolve));
  const check = () => {
    if (state.opened + state.failed >= count) notify();
  };
  const fail = (message) => {
    state.failed++;
    state.errors.set(message, (state.errors.get(message) ?? 0) + 1);
    check();
  };
  for (let i = 0; i < count; i++) {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return fail(`HTTP ${res.statusCode}`);
        }
        let first = true;
        res.on('data', () => {
          if (first) {
            first = false;
            state.opened++;
            check();
          }
        });
        res.on('end', () => state.ended++);
        res.on('error', () => {});
      },
    );
    req.on('error', (error) => {
      if (!state.closing) fail(error.code ?? error.message);
    });
    req.end(payload);
    state.requests.push(req);
    // Let the event loop breathe every 50 requests so connections are accepted steadily.
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  const timer = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
  await Promise.race([progress, timer]);
  return {
    state,
    close() {
      state.closing = true;
      for (const req of state.requests) req.destroy();
      agent.destroy();
    },
  };
}
