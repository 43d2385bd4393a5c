import OpenAI from 'openai';
import { FakeProvider, predictChatUsage, startFakeOpenAI } from '@one-api/llm-testing';
import {
  computeQuota,
  defaultCompletionRatios,
  defaultModelRatios,
  resolveModelPrice,
} from '@one-api/server-billing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;
const price = (model: string) =>
  resolveModelPrice(
    { modelRatio: defaultModelRatios(), completionRatio: defaultCompletionRatios(), groupRatio: {} },
    model,
  );

describe('OpenAI relay with the official SDK', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let key: { id: number; key: string };
  let client: OpenAI;
  let channelId: number;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = await startTestApp();
    root = await t.login('root', '123456');
    channelId = await createChannel(root, {
      name: 'fake openai',
      base_url: fake.url,
      models: 'gpt-4o-mini,gpt-4o,text-embedding-3-small,my-alias',
      model_mapping: '{"my-alias":"gpt-4o-mini"}',
    });
    key = await createKey(root, { name: 'sdk', remain_quota: 10_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  async function lastLog() {
    await settled(t);
    const res = await root.get('/api/log/').query({ type: 2, size: 1 });
    return res.body.data[0];
  }

  it('answers a chat completion and bills the formula to the unit', async () => {
    const before = (await root.get(`/api/token/${key.id}`)).body.data;
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello in one sentence.' }],
    });
    expect(completion.choices[0].message.content).toContain('Say hello in one sentence.');
    const sent = fake.requests[0].body as Record<string, unknown>;
    expect(sent.model).toBe('gpt-4o-mini');
    expect(fake.requests[0].headers.authorization).toBe('Bearer fake-upstream-key');

    const usage = predictChatUsage(sent as never);
    expect(completion.usage).toMatchObject({
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
    });
    const expected = computeQuota(
      { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens },
      price('gpt-4o-mini'),
      1,
    );
    const log = await lastLog();
    expect(log).toMatchObject({
      model_name: 'gpt-4o-mini',
      quota: expected,
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      channel: channelId,
      is_stream: false,
      token_name: 'sdk',
    });
    const after = (await root.get(`/api/token/${key.id}`)).body.data;
    expect(after.used_quota - before.used_quota).toBe(expected);
    expect(before.remain_quota - after.remain_quota).toBe(expected);
  });

  it('streams chunk by chunk, bills from the usage chunk, and hides the usage chunk the client did not ask for', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream a short answer please.' }],
      stream: true,
    });
    let text = '';
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) sawUsage = true;
    }
    expect(text).toContain('Stream a short answer please.');
    expect(sawUsage).toBe(false);
    const sent = fake.requests[0].body as Record<string, unknown>;
    expect(sent.stream_options).toEqual({ include_usage: true });
    const usage = predictChatUsage(sent as never);
    const log = await lastLog();
    expect(log).toMatchObject({
      is_stream: true,
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
    });
    expect(log.quota).toBe(
      computeQuota(
        { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens },
        price('gpt-4o-mini'),
        1,
      ),
    );
  });

  it('passes the usage chunk through when the client asks for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'usage please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it('relays tool calls', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is the weather in San Francisco?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: {
              type: 'object',
              properties: { location: { type: 'string' } },
              required: ['location'],
            },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const call = completion.choices[0].message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call && 'function' in call ? call.function.name : undefined).toBe('get_weather');
    // OpenAI answers a forced (named) tool_choice with finish_reason "stop"; the fake is faithful to that.
    expect(['stop', 'tool_calls']).toContain(completion.choices[0].finish_reason);
  });

  it('maps a model alias to the upstream name and logs both', async () => {
    await client.chat.completions.create({ model: 'my-alias', messages: [{ role: 'user', content: 'hi' }] });
    expect((fake.requests[0].body as { model: string }).model).toBe('gpt-4o-mini');
    const log = await lastLog();
    expect(log.model_name).toBe('gpt-4o-mini');
  });

  it('relays embeddings (both paths) and bills prompt tokens', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0].embedding.length).toBeGreaterThan(0);
    const log = await lastLog();
    expect(log.model_name).toBe('text-embedding-3-small');
    expect(log.prompt_tokens).toBe(res.usage.prompt_tokens);
    const engine = await t.http
      .post('/v1/engines/text-embedding-3-small/embeddings')
      .set('Authorization', `Bearer ${key.key}`)
      .send({ input: 'gamma' });
    expect(engine.status).toBe(200);
    expect((fake.requests.at(-1)!.body as { model: string }).model).toBe('text-embedding-3-small');
  });

  it('lists the models the key may use', async () => {
    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    expect(models.sort()).toEqual(['gpt-4o', 'gpt-4o-mini', 'my-alias', 'text-embedding-3-small']);
    const one = await client.models.retrieve('gpt-4o');
    expect(one).toMatchObject({ id: 'gpt-4o', object: 'model', owned_by: 'openai' });
    await expect(client.models.retrieve('nope')).rejects.toMatchObject({ status: 404 });
  });

  it('sets X-Oneapi-Request-Id and records the cost of the request', async () => {
    const res = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.key}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'cost?' }] });
    expect(res.status).toBe(200);
    const requestId = res.headers['x-oneapi-request-id'];
    expect(requestId).toMatch(/^\d{31}$/);
    await settled(t);
    const cost = await t.http.get(`/api/cost/request/${requestId}`).expect(200);
    expect(cost.body.request_id).toBe(requestId);
    expect(cost.body.quota).toBeGreaterThan(0);
    expect(cost.body.cost_usd).toBeCloseTo(cost.body.quota / 500000, 10);
    const log = await lastLog();
    expect(log.request_id).toBe(requestId);
  });

  it('answers bad input in OpenAI error JSON with the right status', async () => {
    const call = (body: unknown, auth = `Bearer ${key.key}`) =>
      t.http
        .post('/v1/chat/completions')
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send(body as object);
    const noKey = await t.http.post('/v1/chat/completions').send({ model: 'gpt-4o-mini', messages: [] });
    expect(noKey.status).toBe(401);
    expect(noKey.body.error).toMatchObject({ type: 'authentication_error' });
    expect((await call({ model: 'gpt-4o-mini' }, 'Bearer sk-wrong')).status).toBe(401);
    const missingModel = await call({ messages: [] });
    expect(missingModel.status).toBe(400);
    expect(missingModel.body.error.message).toContain('model');
    const unknown = await call({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] });
    expect(unknown.status).toBe(503);
    expect(unknown.body.error.code).toBe('model_not_available');
    const badJson = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.key}`)
      .set('Content-Type', 'application/json')
      .send('{"model": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.message).toMatch(/JSON/);
    const upstream400 = await call({ model: 'gpt-4o-mini', messages: [] });
    expect(upstream400.status).toBe(400);
    expect(upstream400.body.error.message).toContain('messages');
    expect(JSON.stringify(upstream400.body)).not.toContain(fake.url);
  });

  it('enforces the key model allow-list and refuses channel pins from non-admins', async () => {
    const limited = await createKey(root, { name: 'limited', remain_quota: 100000, models: 'gpt-4o' });
    const res = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${limited.key}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('model_not_allowed');
    const pinned = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.key}-${channelId}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(pinned.status).toBe(200); // root may pin
  });

  it('refunds the hold and logs once when the upstream fails for good', async () => {
    fake.setFault('400');
    await settled(t);
    const before = (await root.get(`/api/token/${key.id}`)).body.data;
    const res = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.key}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(400);
    const log = await lastLog();
    expect(log.quota).toBe(0);
    expect(log.content).toMatch(/^error/);
    const after = (await root.get(`/api/token/${key.id}`)).body.data;
    expect(after.remain_quota).toBe(before.remain_quota);
    expect(after.used_quota).toBe(before.used_quota);
  });

  it('leaves no hold behind: logged quota equals used quota and remain + used is unchanged', async () => {
    await settled(t);
    const token = (await root.get(`/api/token/${key.id}`)).body.data;
    const logs = await t.dataSource.query(
      `SELECT COALESCE(SUM(quota), 0) AS q FROM logs WHERE token_id = ${key.id} AND type = 2`,
    );
    expect(Number(logs[0].q)).toBe(token.used_quota);
    expect(token.remain_quota + token.used_quota).toBe(10_000_000);
  });
});

describe('relay caches follow admin changes at once', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = await startTestApp();
    root = await t.login('root', '123456');
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const ask = (key: string, model = 'gpt-4o-mini') =>
    t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key}`)
      .send({ model, messages: [{ role: 'user', content: 'x' }] });

  it('sees a disabled key, a disabled channel, a new channel and a new ratio on the very next request', async () => {
    const channel = await createChannel(root, { name: 'one', base_url: fake.url, models: 'gpt-4o-mini' });
    const key = await createKey(root, { name: 'cache', remain_quota: 1_000_000 });
    expect((await ask(key.key)).status).toBe(200);

    await root.put('/api/token/?status_only=1').send({ id: key.id, status: 2 }).expect(200);
    expect((await ask(key.key)).status).toBe(401);
    await root.put('/api/token/?status_only=1').send({ id: key.id, status: 1 }).expect(200);
    expect((await ask(key.key)).status).toBe(200);

    await root.put('/api/channel/?status_only=1').send({ id: channel, status: 2 }).expect(200);
    expect((await ask(key.key)).status).toBe(503);
    await createChannel(root, { name: 'two', base_url: fake.url, models: 'gpt-4o-mini' });
    expect((await ask(key.key)).status).toBe(200);

    await settled(t);
    await root
      .put('/api/option/')
      .send({ key: 'ModelRatio', value: JSON.stringify({ 'gpt-4o-mini': 10 }) })
      .expect(200);
    await root
      .put('/api/option/')
      .send({ key: 'CompletionRatio', value: JSON.stringify({ 'gpt-4o-mini': 1 }) })
      .expect(200);
    const res = await ask(key.key);
    expect(res.status).toBe(200);
    await settled(t);
    const [log] = (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data;
    expect(log.quota).toBe((res.body.usage.prompt_tokens + res.body.usage.completion_tokens) * 10);
  });

  it('sees a disabled user on the next request', async () => {
    await createChannel(root, { name: 'three', base_url: fake.url, models: 'gpt-4o-mini' });
    await root.post('/api/user/').send({ username: 'bob', password: 'password-123' }).expect(200);
    const bob = await t.login('bob', 'password-123');
    await root
      .post('/api/topup')
      .send({ user_id: (await bob.get('/api/user/self')).body.data.id, quota: 1_000_000 })
      .expect(200);
    const key = await createKey(bob, { name: 'bob key', unlimited_quota: true });
    expect((await ask(key.key)).status).toBe(200);
    await root.post('/api/user/manage').send({ username: 'bob', action: 'disable' }).expect(200);
    const denied = await ask(key.key);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('user_disabled');
  });
});

describe('graceful shutdown', () => {
  it('writes every settlement before the database closes', async () => {
    const fake = await startFakeOpenAI();
    const t = await startTestApp();
    try {
      const root = await t.login('root', '123456');
      await createChannel(root, { name: 'x', base_url: fake.url, models: 'gpt-4o-mini' });
      const key = await createKey(root, { name: 'shutdown', remain_quota: 1_000_000 });
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          t.http
            .post('/v1/chat/completions')
            .set('Authorization', `Bearer ${key.key}`)
            .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
        ),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      await t.app.close(); // no explicit flush: shutdown must write the queued settlements
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(t.database.sqlitePath, { readonly: true });
      const rows = db
        .prepare(`SELECT COUNT(*) AS n, SUM(quota) AS q FROM logs WHERE type = 2 AND token_id = ?`)
        .get(key.id) as { n: number; q: number };
      const token = db.prepare(`SELECT used_quota FROM tokens WHERE id = ?`).get(key.id) as {
        used_quota: number;
      };
      db.close();
      expect(rows.n).toBe(5);
      expect(token.used_quota).toBe(rows.q);
    } finally {
      await fake.close();
      await t.database.drop();
    }
  });
});
