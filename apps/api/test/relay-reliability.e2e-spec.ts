import { createServer, Server } from 'node:net';
import OpenAI from 'openai';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled, setOption, sleep } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

/** A port on 127.0.0.1 where nothing listens (connection refused). */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function consumeLogs(t: TestApp, tokenId: number) {
  await settled(t);
  return t.dataSource.query(
    `SELECT quota, channel_id, prompt_tokens, completion_tokens, content FROM logs WHERE type = 2 AND token_id = ${tokenId} ORDER BY id`,
  ) as Promise<
    Array<{
      quota: number;
      channel_id: number;
      prompt_tokens: number;
      completion_tokens: number;
      content: string;
    }>
  >;
}

describe('failover between channels', () => {
  let t: TestApp;
  let good: FakeProvider;
  let bad: FakeProvider;
  let root: Agent;
  let goodId: number;

  beforeAll(async () => {
    good = await startFakeOpenAI();
    bad = await startFakeOpenAI();
    t = await startTestApp();
    root = await t.login('root', '123456');
    await setOption(root, 'RetryTimes', '2');
    goodId = await createChannel(root, {
      name: 'B healthy',
      base_url: good.url,
      models: 'gpt-4o-mini',
      priority: 0,
    });
  });
  afterAll(async () => {
    await t?.close();
    await good?.close();
    await bad?.close();
  });

  it.each([
    ['429', (f: FakeProvider) => f.faultUrl('429')],
    ['500', (f: FakeProvider) => f.faultUrl('500')],
    ['a refused connection', async () => `http://127.0.0.1:${await closedPort()}`],
  ])('channel A answering %s → the request succeeds on channel B with one log', async (_label, urlOf) => {
    const failing = await createChannel(root, {
      name: `A failing ${_label}`,
      base_url: await urlOf(bad),
      models: 'gpt-4o-mini',
      priority: 10,
    });
    const key = await createKey(root, { name: `failover ${_label}`, remain_quota: 1_000_000 });
    const client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    good.reset();
    const answer = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(answer.choices[0].message.content).toContain('hello');
    expect(good.requests).toHaveLength(1);
    const logs = await consumeLogs(t, key.id);
    expect(logs).toHaveLength(1);
    expect(Number(logs[0].channel_id)).toBe(goodId);
    expect(Number(logs[0].quota)).toBeGreaterThan(0);
    await root.delete(`/api/channel/${failing}`).expect(200);
  });

  it('does not retry when RetryTimes is 0, and refunds the hold', async () => {
    await setOption(root, 'RetryTimes', '0');
    const failing = await createChannel(root, {
      name: 'A 503',
      base_url: bad.faultUrl('503'),
      models: 'gpt-4o-mini',
      priority: 10,
    });
    const key = await createKey(root, { name: 'no retry', remain_quota: 1_000_000 });
    const res = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.key}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(503);
    expect(res.body.error.message).not.toContain(bad.url);
    const logs = await consumeLogs(t, key.id);
    expect(logs).toHaveLength(1);
    expect(Number(logs[0].quota)).toBe(0);
    const token = (await root.get(`/api/token/${key.id}`)).body.data;
    expect(token.remain_quota).toBe(1_000_000);
    await root.delete(`/api/channel/${failing}`).expect(200);
    await setOption(root, 'RetryTimes', '2');
  });
});

describe('client disconnect mid-stream', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, { name: 'slow', base_url: fake.faultUrl('slow:40'), models: 'gpt-4o-mini' });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('settles exactly once, for the tokens that were streamed', async () => {
    const key = await createKey(root, { name: 'dropper', remain_quota: 1_000_000 });
    const abort = new AbortController();
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [
          { role: 'user', content: 'Please write a long answer about the sea and the sky and the wind.' },
        ],
      }),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    let received = '';
    while (!received.includes('"content":"') || received.split('data: ').length < 4) {
      const { value } = await reader.read();
      received += Buffer.from(value!).toString();
    }
    abort.abort();
    await sleep(300);
    const logs = await consumeLogs(t, key.id);
    expect(logs).toHaveLength(1);
    expect(logs[0].content).toContain('client disconnected');
    expect(Number(logs[0].completion_tokens)).toBeGreaterThan(0);
    expect(Number(logs[0].quota)).toBeGreaterThan(0);
    const token = (await root.get(`/api/token/${key.id}`)).body.data;
    expect(token.used_quota).toBe(Number(logs[0].quota));
    expect(token.remain_quota + token.used_quota).toBe(1_000_000);
    await sleep(200);
    expect(await consumeLogs(t, key.id)).toHaveLength(1);
  });
});

describeEachEngine('quota race', (engine) => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ record: false } as never);
    t = await startTestApp({ engine, env: { SQL_MAX_OPEN_CONNS: '20' } });
    root = await t.login('root', '123456');
    await createChannel(root, { name: 'race', base_url: fake.url, models: 'gpt-4o-mini' });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('200 concurrent requests on a key holding quota for about 50 never overdraw it, and logs match used quota', async () => {
    const body = { model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'race' }] };
    // One request holds ceil((prompt estimate + 20 × 4) × 0.075) and finally costs a little less.
    const probeKey = await createKey(root, { name: 'probe', remain_quota: 1_000_000 });
    const probe = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${probeKey.key}`)
      .send(body);
    expect(probe.status).toBe(200);
    const [probeLog] = await consumeLogs(t, probeKey.id);
    const perRequest = Number(probeLog.quota);
    const userBefore = (await root.get('/api/user/self')).body.data;

    const initial = perRequest * 50;
    const key = await createKey(root, { name: 'race', remain_quota: initial });
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        t.http
          .post('/v1/chat/completions')
          .set('Authorization', `Bearer ${key.key}`)
          .send(body)
          .then((r) => r.status),
      ),
    );
    const ok = results.filter((s) => s === 200).length;
    const refused = results.filter((s) => s === 403).length;
    expect(ok + refused).toBe(200);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(50);

    const logs = await consumeLogs(t, key.id);
    const token = (await root.get(`/api/token/${key.id}`)).body.data;
    const userAfter = (await root.get('/api/user/self')).body.data;
    const logged = logs.reduce((sum, l) => sum + Number(l.quota), 0);
    expect(logs).toHaveLength(ok);
    expect(token.remain_quota).toBeGreaterThanOrEqual(0);
    expect(token.remain_quota + token.used_quota).toBe(initial);
    expect(token.used_quota).toBe(logged);
    expect(userAfter.used_quota - userBefore.used_quota).toBe(logged);
    expect(userBefore.quota - userAfter.quota).toBe(logged);
  });
});
