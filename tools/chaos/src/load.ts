import { request as httpRequest } from 'node:http';

/** Upstream faults the run injects (fake provider specs): rate limit, server error, connection reset, hang, cut. */
export const FAULT_SPECS = ['429', '500', 'refuse', 'hang', 'cut:2'] as const;

export interface ChaosKey {
  key: string;
  /** label used in the report (e.g. "user2/key1") */
  label: string;
}

export interface ChaosLoadOptions {
  /** gateway base URLs, round robin; the list may change during the run */
  gateways: string[];
  keys: ChaosKey[];
  models: string[];
  requests: number;
  concurrency: number;
  /** share of requests that ask for a stream (0..1) */
  streamRatio: number;
  /** share of requests the client abandons midway (0..1) */
  disconnectRatio: number;
  /** share of requests for which one upstream fault is queued on a fake provider (0..1) */
  faultRatio: number;
  /** queues one fault for the next upstream request of a fake provider */
  injectFault(spec: string): Promise<void>;
  /** deterministic runs: a seed for the request mix */
  seed?: number;
  /** called once `fraction` of the requests have been started (restarts, kills are hooked here) */
  milestones?: Array<{ fraction: number; run: () => Promise<void> | void }>;
  /** per-request timeout on the client side, ms (a hung gateway would show up as a timeout) */
  clientTimeoutMs?: number;
}

export type Outcome =
  | 'ok' // complete answer
  | 'stream-interrupted' // 200 stream that ended with the gateway's interruption error (upstream cut after bytes flowed)
  | 'client-disconnect' // abandoned by the client on purpose
  | 'http-error' // a non-2xx answer
  | 'connection-error' // no answer: the gateway went away (killed) or refused
  | 'timeout';

export interface RequestResult {
  gateway: string;
  key: string;
  stream: boolean;
  status: number;
  outcome: Outcome;
  requestId?: string;
  error?: string;
}

export interface ChaosLoadReport {
  results: RequestResult[];
  faultsQueued: Record<string, number>;
  disconnects: number;
  elapsedMs: number;
}

/** Small deterministic PRNG (mulberry32), so a failing mix can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Planned {
  key: ChaosKey;
  model: string;
  stream: boolean;
  disconnectAfterMs?: number;
  fault?: string;
}

function chatBody(model: string, stream: boolean, i: number): string {
  return JSON.stringify({
    model,
    stream,
    max_tokens: 16,
    messages: [{ role: 'user', content: `chaos request ${i}: one two three four five six seven eight` }],
  });
}

function classifyStream(text: string): Outcome {
  if (/upstream stream was interrupted|"error"\s*:/.test(text)) return 'stream-interrupted';
  return text.includes('[DONE]') ? 'ok' : 'stream-interrupted';
}

/** One chat completion over plain node:http, so a disconnect is a real socket close at a chosen moment. */
function send(plan: Planned, gateway: string, i: number, timeoutMs: number): Promise<RequestResult> {
  const body = chatBody(plan.model, plan.stream, i);
  const base = { gateway, key: plan.key.label, stream: plan.stream };
  return new Promise((resolve) => {
    let settledResult = false;
    const done = (r: Omit<RequestResult, 'gateway' | 'key' | 'stream'>) => {
      if (settledResult) return;
      settledResult = true;
      clearTimeout(timer);
      resolve({ ...base, ...r });
    };
    const req = httpRequest(`${gateway}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${plan.key.key}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: 0, outcome: 'timeout' });
    }, timeoutMs);
    if (plan.disconnectAfterMs !== undefined) {
      setTimeout(() => {
        req.destroy();
        done({ status: 0, outcome: 'client-disconnect' });
      }, plan.disconnectAfterMs);
    }
    req.on('response', (res) => {
      const requestId = res.headers['x-oneapi-request-id'] as string | undefined;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300)
          return done({ status, outcome: 'http-error', requestId, error: text.slice(0, 200) });
        if (plan.stream) return done({ status, outcome: classifyStream(text), requestId });
        try {
          const parsed = JSON.parse(text) as { choices?: unknown[] };
          done({ status, outcome: Array.isArray(parsed.choices) ? 'ok' : 'http-error', requestId });
        } catch {
          done({ status, outcome: 'stream-interrupted', requestId, error: 'truncated JSON body' });
        }
      });
      res.on('error', (e) =>
        done({ status: res.statusCode ?? 0, outcome: 'connection-error', requestId, error: e.message }),
      );
      res.on('aborted', () => done({ status: res.statusCode ?? 0, outcome: 'connection-error', requestId }));
    });
    req.on('error', (e) => done({ status: 0, outcome: 'connection-error', error: e.message }));
    req.end(body);
  });
}

/**
 * Sends `requests` chat completions over `concurrency` parallel lanes, spread over gateways, keys and models, a
 * share of them streamed, a share abandoned by the client, and for a share one upstream fault queued on a fake
 * provider just before. Returns every request's outcome; the money checks are `checkMoneyInvariants`.
 */
export async function runChaosLoad(opts: ChaosLoadOptions): Promise<ChaosLoadReport> {
  const random = prng(opts.seed ?? 1);
  const faultsQueued: Record<string, number> = {};
  const plans: Planned[] = [];
  for (let i = 0; i < opts.requests; i++) {
    const stream = random() < opts.streamRatio;
    plans.push({
      key: opts.keys[Math.floor(random() * opts.keys.length)],
      model: opts.models[Math.floor(random() * opts.models.length)],
      stream,
      disconnectAfterMs: random() < opts.disconnectRatio ? 5 + Math.floor(random() * 120) : undefined,
      fault: random() < opts.faultRatio ? FAULT_SPECS[Math.floor(random() * FAULT_SPECS.length)] : undefined,
    });
  }
  const milestones = [...(opts.milestones ?? [])].sort((a, b) => a.fraction - b.fraction);
  const results: RequestResult[] = new Array(plans.length);
  let next = 0;
  const started = Date.now();
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= plans.length) return;
      for (let m = milestones[0]; m && i >= m.fraction * plans.length; m = milestones[0]) {
        milestones.shift();
        await m.run();
      }
      const plan = plans[i];
      if (plan.fault) {
        faultsQueued[plan.fault] = (faultsQueued[plan.fault] ?? 0) + 1;
        await opts.injectFault(plan.fault);
      }
      // Chosen when sent: a milestone may take a gateway out of the list (as a balancer's health check would).
      const gateway = opts.gateways[i % opts.gateways.length];
      results[i] = await send(plan, gateway, i, opts.clientTimeoutMs ?? 30_000);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  for (const m of milestones) await m.run();
  return {
    results,
    faultsQueued,
    disconnects: results.filter((r) => r.outcome === 'client-disconnect').length,
    elapsedMs: Date.now() - started,
  };
}

/** Counts of each outcome. */
export function outcomeCounts(results: RequestResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = {
    ok: 0,
    'stream-interrupted': 0,
    'client-disconnect': 0,
    'http-error': 0,
    'connection-error': 0,
    timeout: 0,
  };
  for (const r of results) counts[r.outcome]++;
  return counts;
}
