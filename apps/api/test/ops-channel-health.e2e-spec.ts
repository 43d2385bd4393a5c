import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, setOption, sleep } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

const chat = (t: TestApp, key: string, model = 'gpt-4o-mini') =>
  t.http
    .post('/v1/chat/completions')
    .set('Authorization', `Bearer ${key}`)
    .send({ model, messages: [{ role: 'user', content: 'hi' }] });

const chatPaths = (f: FakeProvider) => f.requests.filter((r) => r.path === '/v1/chat/completions').length;

describe('channel tests, balances and public status', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let billing: Server;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    billing = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== 'Bearer billing-key') {
        res.statusCode = 401;
        return res.end(JSON.stringify({ error: { message: 'bad key' } }));
      }
      if (req.url?.startsWith('/v1/dashboard/billing/subscription')) return res.end('{"hard_limit_usd":100}');
      if (req.url?.startsWith('/v1/dashboard/billing/usage')) return res.end('{"total_usage":2500}');
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((r) => billing.listen(0, '127.0.0.1', () => r()));
    t = await startTestApp();
    root = await t.login('root', '123456');
    await setOption(root, 'AutomaticDisableChannelEnabled', 'true');
    await setOption(root, 'AutomaticEnableChannelEnabled', 'true');
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await new Promise((r) => billing?.close(r));
  });

  it('GET /api/channel/test/:id answers flat {success, message, time, modelName} and records the test', async () => {
    const id = await createChannel(root, {
      name: 'tested',
      base_url: fake.url,
      models: 'gpt-4o-mini,gpt-4o',
    });
    const res = await root.get(`/api/channel/test/${id}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['message', 'modelName', 'success', 'time']);
    expect(res.body.success).toBe(true);
    expect(res.body.modelName).toBe('gpt-4o-mini');
    expect(typeof res.body.time).toBe('number');
    expect(res.body.message.length).toBeGreaterThan(0);
    const channel = (await root.get(`/api/channel/${id}`)).body.data;
    expect(channel.test_time).toBeGreaterThan(0);
    const logs = await t.dataSource.query(
      `SELECT content, model_name FROM logs WHERE type = 5 AND channel_id = ${id}`,
    );
    expect(logs).toHaveLength(1);
    expect(logs[0].model_name).toBe('gpt-4o-mini');

    const other = await root.get(`/api/channel/test/${id}?model=gpt-4o`);
    expect(other.body.modelName).toBe('gpt-4o');
    const unknown = await root.get(`/api/channel/test/${id}?model=not-served`);
    expect(unknown.body.modelName).toBe('gpt-4o-mini');
    expect((await root.get('/api/channel/test/999999')).status).toBe(404);
    expect((await t.http.get(`/api/channel/test/${id}`)).status).toBe(401);
  });

  it('a channel whose key is refused (401) is disabled by its test and enabled again by a passing sweep', async () => {
    const id = await createChannel(root, {
      name: 'bad key',
      base_url: fake.faultUrl('401'),
      models: 'gpt-4o-mini',
    });
    const res = await root.get(`/api/channel/test/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(false);
    expect((await root.get(`/api/channel/${id}`)).body.data.status).toBe(3);
    const system = await t.dataSource.query(`SELECT content FROM logs WHERE type = 4 AND channel_id = ${id}`);
    expect(system[0].content).toMatch(/disabled automatically/);

    // The admin fixes the key (here: the URL); the next sweep of disabled channels brings it back.
    const put = await root.put('/api/channel/').send({ id, base_url: fake.url });
    expect(put.status).toBe(200);
    expect((await root.get('/api/channel/test?scope=disabled')).body).toEqual({ success: true, message: '' });
    await until(async () => (await root.get(`/api/channel/${id}`)).body.data.status === 1);
  });

  it('a manually disabled channel stays disabled after a passing sweep', async () => {
    const id = await createChannel(root, { name: 'manual', base_url: fake.url, models: 'gpt-4o-mini' });
    await root.put('/api/channel/?status_only=1').send({ id, status: 2 });
    await root.get('/api/channel/test?scope=disabled');
    await until(async () => (await root.get(`/api/channel/${id}`)).body.data.test_time > 0);
    expect((await root.get(`/api/channel/${id}`)).body.data.status).toBe(2);
  });

  it('GET /api/channel/update_balance/:id reads the OpenAI billing API', async () => {
    const url = `http://127.0.0.1:${(billing.address() as AddressInfo).port}`;
    const id = await createChannel(root, {
      name: 'billed',
      base_url: url,
      key: 'billing-key',
      models: 'gpt-4o-mini',
    });
    const res = await root.get(`/api/channel/update_balance/${id}`);
    expect(res.body).toEqual({ success: true, message: '', balance: 75 });
    const channel = (await root.get(`/api/channel/${id}`)).body.data;
    expect(channel.balance).toBe(75);
    expect(channel.balance_updated_time).toBeGreaterThan(0);
    const badId = await createChannel(root, { name: 'billed bad', base_url: url, key: 'nope', models: 'x' });
    const bad = await root.get(`/api/channel/update_balance/${badId}`);
    expect(bad.body).toMatchObject({ success: false, balance: 0 });
  });

  it('GET /api/status/channel is public and shows names and health only', async () => {
    const res = await t.http.get('/api/status/channel?p=0');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.total).toBeGreaterThanOrEqual(4);
    expect(res.body.data.length).toBeLessThanOrEqual(6);
    const tested = res.body.data.find((c: { name: string }) => c.name === 'tested');
    expect(tested).toMatchObject({ status: 'enabled', enabled: true });
    expect(tested.response.test_time).toBeGreaterThan(0);
    const manual = res.body.data.find((c: { name: string }) => c.name === 'manual');
    expect(manual).toMatchObject({ status: 'manually_disabled', enabled: false });
    expect(JSON.stringify(res.body)).not.toContain('fake-upstream-key');
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
  });
});

describe('channel health on the relay path', () => {
  let t: TestApp;
  let root: Agent;
  const fakes: FakeProvider[] = [];
  const fakeProvider = async () => {
    const f = await startFakeOpenAI();
    fakes.push(f);
    return f;
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        CHANNEL_SUSPEND_SECONDS_FOR_429: '3',
        CHANNEL_BREAKER_WINDOW: '4',
        CHANNEL_BREAKER_MIN_REQUESTS: '4',
        CHANNEL_BREAKER_FAILURE_RATE: '50',
        CHANNEL_BREAKER_COOLDOWN_SECONDS: '3',
      },
    });
    root = await t.login('root', '123456');
    await setOption(root, 'RetryTimes', '2');
    await setOption(root, 'AutomaticDisableChannelEnabled', 'true');
  });
  afterAll(async () => {
    await t?.close();
    for (const f of fakes) await f.close();
  });

  it('a channel answering 401 is disabled automatically; the request is served by another channel', async () => {
    const bad = await fakeProvider();
    const good = await fakeProvider();
    const model = 'model-401';
    const badId = await createChannel(root, {
      name: 'A 401',
      base_url: bad.faultUrl('401'),
      models: model,
      priority: 10,
    });
    await createChannel(root, { name: 'B ok', base_url: good.url, models: model });
    const key = await createKey(root, { name: 'k401', unlimited_quota: true });
    expect((await chat(t, key.key, model)).status).toBe(200);
    await until(async () => (await root.get(`/api/channel/${badId}`)).body.data.status === 3);
    bad.clear();
    for (let i = 0; i < 3; i++) expect((await chat(t, key.key, model)).status).toBe(200);
    expect(bad.requests).toHaveLength(0);
  });

  it('a channel answering 429 is suspended for that model, then used again', async () => {
    const limited = await fakeProvider();
    const spare = await fakeProvider();
    const model = 'model-429';
    await createChannel(root, { name: 'A 429', base_url: limited.url, models: model, priority: 10 });
    await createChannel(root, { name: 'B spare', base_url: spare.url, models: model });
    const key = await createKey(root, { name: 'k429', unlimited_quota: true });
    limited.failNext(1, '429');
    expect((await chat(t, key.key, model)).status).toBe(200);
    expect(chatPaths(limited)).toBe(1);
    expect(chatPaths(spare)).toBe(1);
    for (let i = 0; i < 3; i++) expect((await chat(t, key.key, model)).status).toBe(200);
    expect(chatPaths(limited)).toBe(1); // suspended: not tried
    expect(chatPaths(spare)).toBe(4);
    await sleep(3100);
    expect((await chat(t, key.key, model)).status).toBe(200);
    expect(chatPaths(limited)).toBe(2); // back at the top of the priority list
    expect(
      (await root.get('/api/channel/?p=0')).body.data.find((c: { name: string }) => c.name === 'A 429')
        .status,
    ).toBe(1);
  });

  it('a flapping channel trips the breaker, takes no traffic, and recovers through a half-open probe', async () => {
    const flappy = await fakeProvider();
    const steady = await fakeProvider();
    const model = 'model-flap';
    await createChannel(root, { name: 'A flappy', base_url: flappy.url, models: model, priority: 10 });
    await createChannel(root, { name: 'B steady', base_url: steady.url, models: model });
    const key = await createKey(root, { name: 'kflap', unlimited_quota: true });
    for (let i = 0; i < 4; i++) {
      if (i % 2 === 1) flappy.failNext(1, '500');
      expect((await chat(t, key.key, model)).status).toBe(200);
    }
    expect(chatPaths(flappy)).toBe(4); // ok, 500, ok, 500 → half the window failed: open
    for (let i = 0; i < 5; i++) expect((await chat(t, key.key, model)).status).toBe(200);
    expect(chatPaths(flappy)).toBe(4); // open: no traffic
    await sleep(3100);
    expect((await chat(t, key.key, model)).status).toBe(200); // half-open probe succeeds → closed
    expect(chatPaths(flappy)).toBe(5);
    for (let i = 0; i < 3; i++) expect((await chat(t, key.key, model)).status).toBe(200);
    expect(chatPaths(flappy)).toBe(8);
  });
});

describe('per-channel rate limits (GLOBAL_CHANNEL_RATE_LIMIT)', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = await startTestApp({ env: { GLOBAL_CHANNEL_RATE_LIMIT: 'true' } });
    root = await t.login('root', '123456');
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('a channel at its rate_limit is skipped; with no other channel the caller gets 429 and Retry-After', async () => {
    const model = 'model-limited';
    const res = await root.post('/api/channel/').send({
      type: 1,
      key: 'k',
      name: 'limited',
      base_url: fake.url,
      models: model,
      group: 'default',
      priority: 10,
      config: { rate_limit: 2 },
    });
    expect(res.body.success).toBe(true);
    const key = await createKey(root, { name: 'klimit', unlimited_quota: true });
    expect((await chat(t, key.key, model)).status).toBe(200);
    expect((await chat(t, key.key, model)).status).toBe(200);
    const refused = await chat(t, key.key, model);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.error.code).toBe('channels_rate_limited');

    const spare = await startFakeOpenAI();
    try {
      await createChannel(root, { name: 'spare', base_url: spare.url, models: model });
      expect((await chat(t, key.key, model)).status).toBe(200);
      expect(chatPaths(spare)).toBe(1);
    } finally {
      await spare.close();
    }
  });
});
