import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type FakeProvider,
  predictChatUsage,
  predictGeminiUsage,
  predictMessagesUsage,
  predictResponsesUsage,
  type RecordedRequest,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAI,
} from '@one-api/llm-testing';
import {
  computeQuota,
  defaultCompletionRatios,
  defaultModelRatios,
  resolveModelPrice,
} from '@one-api/server-billing';
import { startTestApp, type TestApp } from './harness';
import { createChannel, createKey, settled, sleep } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

/** The upstream protocols a channel can speak, each served by a fake provider. */
export type Protocol = 'openai' | 'openai-responses' | 'anthropic' | 'gemini';

export interface ChannelSpec {
  protocol: Protocol;
  /** the only model the channel serves (so a model name picks the protocol) */
  model: string;
  type: number;
  config?: string;
}

export const CHANNELS: Record<Protocol, ChannelSpec> = {
  openai: { protocol: 'openai', type: 1, model: 'gpt-4o-mini' },
  'openai-responses': {
    protocol: 'openai-responses',
    type: 1,
    model: 'gpt-4.1-mini',
    config: '{"api_format":"response"}',
  },
  anthropic: { protocol: 'anthropic', type: 14, model: 'claude-haiku-4-5' },
  gemini: { protocol: 'gemini', type: 24, model: 'gemini-2.5-flash' },
};

/** One request a client sent to the gateway, as the recording proxy in front of it saw it. */
export interface ProxiedRequest {
  method: string;
  /** path and query as the client sent them, e.g. `/v1/messages?beta=true` */
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  status: number;
  /** the gateway's X-Oneapi-Request-Id */
  requestId: string;
}

export interface RecordingProxy {
  url: string;
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * A transparent HTTP forwarder on 127.0.0.1 in front of the gateway: clients (SDKs, CLIs) talk to it as if it were the
 * gateway, and it records what they sent (path, headers, exact bytes) and the request id the gateway answered with.
 * Responses are piped through unbuffered, so streams stay streams.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const { hostname, port } = new URL(target);
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry: ProxiedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        rawBody: body.toString('utf8'),
        status: 0,
        requestId: '',
      };
      requests.push(entry);
      const upstream = httpRequest(
        {
          host: hostname,
          port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: `${hostname}:${port}` },
        },
        (answer) => {
          entry.status = answer.statusCode ?? 0;
          entry.requestId = String(answer.headers['x-oneapi-request-id'] ?? '');
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The gateway on a fresh database, one channel per protocol on fake providers, a key, and a recording proxy. */
export interface Gateway {
  t: TestApp;
  root: Agent;
  key: string;
  proxy: RecordingProxy;
  fakes: { openai: FakeProvider; anthropic: FakeProvider; gemini: FakeProvider };
  channelIds: Record<Protocol, number>;
  /** the fake behind a protocol's channel */
  fake(protocol: Protocol): FakeProvider;
  /** forgets what the proxy and the fakes recorded */
  reset(): void;
  close(): Promise<void>;
}

export async function startGateway(): Promise<Gateway> {
  const fakes = {
    openai: await startFakeOpenAI(),
    anthropic: await startFakeAnthropic(),
    gemini: await startFakeGemini(),
  };
  // a provider 429 in one test must not suspend the channel for the next ones
  const t = await startTestApp({ env: { CHANNEL_SUSPEND_SECONDS_FOR_429: '0' } });
  const root = await t.login('root', '123456');
  const channelIds = {} as Record<Protocol, number>;
  const fakeOf = (p: Protocol): FakeProvider =>
    p === 'anthropic' ? fakes.anthropic : p === 'gemini' ? fakes.gemini : fakes.openai;
  for (const spec of Object.values(CHANNELS)) {
    channelIds[spec.protocol] = await createChannel(root, {
      type: spec.type,
      name: `fake ${spec.protocol}`,
      base_url: fakeOf(spec.protocol).url,
      models: spec.model,
      ...(spec.config ? { config: spec.config } : {}),
    });
  }
  const { key } = await createKey(root, { name: 'clients', unlimited_quota: true });
  const proxy = await startRecordingProxy(t.url);
  return {
    t,
    root,
    key,
    proxy,
    fakes,
    channelIds,
    fake: fakeOf,
    reset() {
      proxy.requests.length = 0;
      for (const fake of Object.values(fakes)) fake.reset();
    },
    async close() {
      await proxy.close();
      await t.close();
      for (const fake of Object.values(fakes)) await fake.close();
    },
  };
}

export interface TokenCounts {
  input: number;
  output: number;
  /** parts of `input` read from / written to the provider's cache (billed at their own prices) */
  cacheRead?: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
}

/**
 * The usage the fake provider reported for a request it received, in the gateway's billing convention: input counts
 * every prompt token (cache reads and writes included), output every generated token (thinking included).
 */
export function upstreamUsage(rec: RecordedRequest): TokenCounts {
  const body = rec.body as never;
  if (rec.path === '/v1/chat/completions') {
    const u = predictChatUsage(body);
    return { input: u.prompt_tokens, output: u.completion_tokens };
  }
  if (rec.path === '/v1/responses') {
    const u = predictResponsesUsage(body);
    return { input: u.input_tokens, output: u.output_tokens };
  }
  if (rec.path === '/v1/messages') {
    const u = predictMessagesUsage(body);
    return {
      input: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
      output: u.output_tokens,
      cacheRead: u.cache_read_input_tokens ?? 0,
      cacheWrite5m: u.cache_creation?.ephemeral_5m_input_tokens ?? u.cache_creation_input_tokens ?? 0,
      cacheWrite1h: u.cache_creation?.ephemeral_1h_input_tokens ?? 0,
    };
  }
  const gemini = /\/models\/([^/:]+):(?:stream)?[gG]enerateContent$/.exec(rec.path);
  if (gemini) {
    const u = predictGeminiUsage(body, { model: decodeURIComponent(gemini[1]) }) as Record<string, number>;
    return {
      input: u.promptTokenCount,
      output: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
      cacheRead: u.cachedContentTokenCount ?? 0,
    };
  }
  throw new Error(`no usage prediction for ${rec.method} ${rec.path}`);
}

export interface ConsumeLog {
  request_id: string;
  model_name: string;
  prompt_tokens: number;
  completion_tokens: number;
  quota: number;
  channel: number;
  is_stream: boolean;
  token_name: string;
}

/** The billed generation requests the proxy saw (count_tokens and other free calls excluded). */
export function billedRequests(g: Gateway): ProxiedRequest[] {
  return g.proxy.requests.filter((r) =>
    /^\/v1\/(chat\/completions|responses|messages)(\?|$)/.test(r.url.replace(/^\/v1\/v1\//, '/v1/')),
  );
}

/**
 * Checks billing of everything the clients sent since the last reset: every gateway request answered with a request
 * id has exactly one consume log, each upstream call was billed with the usage the provider reported (matched as a
 * multiset, since agent CLIs send requests concurrently), and the quota follows the price formula. Returns the logs.
 */
export async function expectBilled(g: Gateway, spec: ChannelSpec): Promise<ConsumeLog[]> {
  const requests = billedRequests(g);
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) expect(r.requestId).not.toBe('');
  const ids = new Set(requests.map((r) => r.requestId));
  let logs: ConsumeLog[] = [];
  for (let i = 0; i < 50; i++) {
    await settled(g.t);
    const res = await g.root.get('/api/log/').query({ type: 2, size: 100 });
    logs = (res.body.data as ConsumeLog[]).filter((l) => ids.has(l.request_id));
    if (logs.length >= requests.length) break;
    await sleep(100);
  }
  for (const id of ids) expect(logs.filter((l) => l.request_id === id)).toHaveLength(1);
  expect(logs).toHaveLength(requests.length);

  const upstream = g.fake(spec.protocol).requests.filter((r) => r.method === 'POST');
  expect(upstream).toHaveLength(requests.length);
  const expected = upstream.map(upstreamUsage).map((u) => `${u.input}/${u.output}`);
  const billed = logs.map((l) => `${l.prompt_tokens}/${l.completion_tokens}`);
  expect(billed.sort()).toEqual(expected.sort());
  const price = resolveModelPrice(
    { modelRatio: defaultModelRatios(), completionRatio: defaultCompletionRatios(), groupRatio: {} },
    spec.model,
    spec.type,
  );
  // Each request is charged what its upstream usage costs, cache reads and writes at their own prices.
  const expectedQuotas = upstream.map(upstreamUsage).map((u) =>
    computeQuota(
      {
        promptTokens: u.input,
        completionTokens: u.output,
        cacheReadTokens: u.cacheRead,
        cacheWrite5mTokens: u.cacheWrite5m,
        cacheWrite1hTokens: u.cacheWrite1h,
      },
      price,
      1,
    ),
  );
  const numeric = (a: number, b: number) => a - b;
  expect(logs.map((l) => l.quota).sort(numeric)).toEqual(expectedQuotas.sort(numeric));
  for (const log of logs) {
    expect(log).toMatchObject({ model_name: spec.model, channel: g.channelIds[spec.protocol] });
    expect(log.quota).toBeGreaterThan(0);
  }
  return logs;
}
