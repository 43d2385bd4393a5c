import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { TraceRecorder, TracingService } from '@one-api/server-tracing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled, sleep } from './relay-fixtures';

const parsePrometheus = require('parse-prometheus-text-format') as (text: string) => MetricFamily[];

interface MetricFamily {
  name: string;
  type: string;
  metrics: Array<{
    labels?: Record<string, string>;
    value?: string;
    count?: string;
    buckets?: Record<string, string>;
  }>;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
  events?: Array<{ name: string }>;
}

type Agent = Awaited<ReturnType<TestApp['login']>>;

/** A minimal OTLP/HTTP receiver: collects the spans of every JSON export request. */
async function startOtlpReceiver(): Promise<{
  url: string;
  spans: OtlpSpan[];
  services: Set<string>;
  close(): Promise<void>;
}> {
  const spans: OtlpSpan[] = [];
  const services = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces' && String(req.headers['content-type']).includes('json')) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: Array<{
            resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
            scopeSpans: Array<{ spans: OtlpSpan[] }>;
          }>;
        };
        for (const rs of body.resourceSpans) {
          const name = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
          if (name) services.add(name);
          for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    services,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return v ? (v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue) : undefined;
};

describe('metrics, tracing, request ids', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let key: { id: number; key: string };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    fake = await startFakeOpenAI();
    t = await startTestApp({
      env: {
        ENABLE_PROMETHEUS_METRICS: 'true',
        METRICS_TOKEN: 'scrape-secret',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'one-api-test',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    });
    root = await t.login('root', '123456');
    await createChannel(root, { name: 'observed', base_url: fake.url, models: 'gpt-4o-mini' });
    key = await createKey(root, { name: 'observed', unlimited_quota: true });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await receiver?.close();
  });

  it('exports relay spans over OTLP under the caller’s trace, and links log rows and traces to it', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.key}`)
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'trace me' }] });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe(res.headers['x-oneapi-request-id']);

    const client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'stream me' }],
    });
    for await (const chunk of stream) void chunk;

    await settled(t);
    await t.app.get(TraceRecorder).flush(); // trace rows are written in batches every 200 ms
    await t.app.get(TracingService).flush();
    for (let i = 0; i < 100 && receiver.spans.filter((s) => s.name === 'relay.request').length < 2; i++)
      await sleep(20);

    expect(receiver.services).toContain('one-api-test');
    const mine = receiver.spans.filter((s) => s.traceId === traceId);
    const request = mine.find((s) => s.name === 'relay.request')!;
    const upstream = mine.find((s) => s.name === 'relay.upstream')!;
    const server = mine.find((s) => s.name === 'POST /v1/chat/completions')!;
    expect(server).toBeDefined();
    expect(server.parentSpanId).toBe('00f067aa0ba902b7');
    expect(request.parentSpanId).toBe(server.spanId);
    expect(upstream.parentSpanId).toBe(request.spanId);
    expect(attr(request, 'gen_ai.request.model')).toBe('gpt-4o-mini');
    expect(attr(upstream, 'relay.channel.id')).toBeDefined();
    const streamed = receiver.spans.find((s) => s.name === 'relay.request' && s.traceId !== traceId)!;
    expect(streamed.events?.map((e) => e.name)).toContain('first_token');

    const [log] = await t.dataSource.query(
      `SELECT id, trace_id FROM logs WHERE type = 2 AND token_id = ${key.id} ORDER BY id LIMIT 1`,
    );
    expect(log.trace_id).toBe(traceId);
    const byLog = await root.get(`/api/trace/log/${log.id}`);
    expect(byLog.status).toBe(200);
    expect(byLog.body.data.trace_id).toBe(traceId);
    expect(byLog.body.data.timestamps.request_received).toBeGreaterThan(0);
    expect(byLog.body.data.timestamps.request_completed).toBeGreaterThanOrEqual(
      byLog.body.data.timestamps.request_received,
    );
    expect(byLog.body.data.timestamps.attempts).toHaveLength(1);
    expect(byLog.body.data.durations.total).toBeGreaterThanOrEqual(0);
    expect((await root.get(`/api/trace/${traceId}`)).body.data.log.id).toBe(log.id);

    // Another user cannot read root's trace.
    await root.post('/api/user/').send({ username: 'peeker', password: 'peeker-pass-1', display_name: 'p' });
    const peeker = await t.login('peeker', 'peeker-pass-1');
    expect((await peeker.get(`/api/trace/log/${log.id}`)).status).toBe(404);
    expect((await peeker.get(`/api/trace/${traceId}`)).status).toBe(404);
  });

  it("never takes a caller's X-Request-Id as the request id (logs and costs are keyed by it)", async () => {
    const send = () =>
      t.http
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${key.key}`)
        .set('X-Request-Id', 'same-client-id')
        .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'dup' }] });
    const [a, b] = [await send(), await send()];
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.headers['x-oneapi-request-id']).not.toBe(b.headers['x-oneapi-request-id']);
    expect(a.headers['x-oneapi-request-id']).not.toBe('same-client-id');
    await settled(t);
    const rows = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM logs WHERE request_id IN ('${a.headers['x-oneapi-request-id']}', '${b.headers['x-oneapi-request-id']}')`,
    );
    expect(Number(rows[0].n)).toBe(2);
  });

  it('serves Prometheus metrics a text-format parser reads', async () => {
    expect((await t.http.get('/metrics')).status).toBe(401);
    const res = await t.http.get('/metrics').set('Authorization', 'Bearer scrape-secret');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    const families = parsePrometheus(res.text);
    const family = (name: string) => families.find((f) => f.name === name);

    const relay = family('one_api_relay_requests_total')!;
    const ok = relay.metrics.filter((m) => m.labels?.model === 'gpt-4o-mini' && m.labels?.success === 'true');
    expect(ok.reduce((s, m) => s + Number(m.value), 0)).toBe(4);
    expect(family('one_api_relay_request_duration_seconds')!.type).toBe('HISTOGRAM');
    // One label set here (one channel, one model): the parser folds a histogram's series into one bucket map,
    // whose +Inf bucket is the number of observations.
    const ttft = family('one_api_relay_time_to_first_token_seconds')!;
    expect(Number(ttft.metrics[0].buckets!['+Inf'])).toBe(4);
    const tokens = family('one_api_relay_tokens_total')!;
    expect(tokens.metrics.find((m) => m.labels?.type === 'prompt')).toBeDefined();
    expect(family('one_api_relay_quota_used_total')).toBeDefined();

    const http = family('one_api_http_requests_total')!;
    expect(
      http.metrics.find((m) => m.labels?.path === '/v1/chat/completions' && m.labels?.status_code === '200'),
    ).toBeDefined();
    expect(http.metrics.find((m) => m.labels?.path === '/api/user/login')).toBeDefined();
    expect(
      family('one_api_channel_status')!.metrics.find((m) => m.labels?.channel_name === 'observed')!.value,
    ).toBe('1');
    expect(family('one_api_channel_success_rate')).toBeDefined();
    expect(family('one_api_queue_jobs')!.metrics.length).toBeGreaterThan(0);
    expect(family('process_cpu_user_seconds_total')).toBeDefined();
    expect(family('nodejs_eventloop_lag_seconds')).toBeDefined();
  });

  it('is absent when ENABLE_PROMETHEUS_METRICS is off', async () => {
    const off = await startTestApp();
    try {
      expect((await off.http.get('/metrics')).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
