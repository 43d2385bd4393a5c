import { FakeProvider, startFakeAnthropic, startFakeGemini, startFakeOpenAI } from '@one-api/llm-testing';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled, sleep } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

/**
 * Billing end to end, on every engine: cache buckets and reasoning priced from the provider's own usage, per-channel
 * prices (model_configs) through the pricing API, the external quota API (pre / post / cancel / single, balance,
 * transactions, auto-confirm) and the cost lookup. Every charge is asserted to the unit, computed here by hand from
 * the usage the client saw and the documented prices (docs/billing.md).
 */
describeEachEngine('billing', (engine) => {
  let t: TestApp;
  let root: Agent;
  let anthropic: FakeProvider;
  let gemini: FakeProvider;
  let openai: FakeProvider;
  let key: { id: number; key: string };
  let openaiChannel: number;

  const KEY_QUOTA = 50_000_000;

  async function remainQuota(tokenId: number): Promise<number> {
    const [row] = await t.dataSource.query(`SELECT remain_quota FROM tokens WHERE id = ${tokenId}`);
    return Number(row.remain_quota);
  }

  async function consumeLog(requestId: string) {
    const rows = await t.dataSource.query(
      `SELECT quota, prompt_tokens, completion_tokens, content FROM logs WHERE type = 2 AND request_id = '${requestId}'`,
    );
    expect(rows).toHaveLength(1);
    return { ...rows[0], quota: Number(rows[0].quota) };
  }

  beforeAll(async () => {
    [anthropic, gemini, openai] = await Promise.all([
      startFakeAnthropic(),
      startFakeGemini({ cachedTokens: 40 }),
      startFakeOpenAI(),
    ]);
    t = await startTestApp({ engine, env: { EXTERNAL_BILLING_DEFAULT_TIMEOUT: '600' } });
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 14,
      name: 'claude',
      base_url: anthropic.url,
      models: 'claude-sonnet-4-5',
    });
    await createChannel(root, { type: 24, name: 'gemini', base_url: gemini.url, models: 'gemini-2.5-pro' });
    openaiChannel = await createChannel(root, {
      type: 1,
      name: 'gpt',
      base_url: openai.url,
      models: 'gpt-4o-mini',
    });
    key = await createKey(root, { name: 'billing', remain_quota: KEY_QUOTA });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all([anthropic?.close(), gemini?.close(), openai?.close()]);
  });

  describe('cache and reasoning buckets', () => {
    const claudeRequest = (stream: boolean) => ({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      stream,
      system: [
        {
          type: 'text',
          text: 'You are a careful assistant. '.repeat(60),
          cache_control: { type: 'ephemeral' },
        },
      ],
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: 'Background document. '.repeat(40),
              cache_control: { type: 'ephemeral', ttl: '1h' },
            },
            { type: 'text', text: 'What is the answer?' },
          ],
        },
      ],
    });

    it('charges Anthropic cache reads at 0.1× and 1-hour cache writes at 2× the input price', async () => {
      const before = await remainQuota(key.id);
      const res = await t.http
        .post('/v1/messages')
        .set('x-api-key', key.key)
        .set('anthropic-version', '2023-06-01')
        .send(claudeRequest(false));
      expect(res.status).toBe(200);
      const u = res.body.usage;
      expect(u.cache_read_input_tokens).toBeGreaterThan(0);
      expect(u.cache_creation.ephemeral_1h_input_tokens).toBeGreaterThan(0);
      // claude-sonnet-4-5: $3 in / $15 out → ratio 1.5, read 0.15, write 1h 3, output 7.5
      const expected = Math.ceil(
        u.input_tokens * 1.5 +
          u.cache_read_input_tokens * 0.15 +
          u.cache_creation.ephemeral_5m_input_tokens * 1.875 +
          u.cache_creation.ephemeral_1h_input_tokens * 3 +
          u.output_tokens * 7.5 -
          1e-9,
      );
      await settled(t);
      const log = await consumeLog(res.headers['x-oneapi-request-id']);
      expect(log.quota).toBe(expected);
      expect(Number(log.prompt_tokens)).toBe(
        u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens,
      );
      expect(log.content).toContain('cached input ratio 0.15');
      expect(log.content).toContain('cache write 1h ratio 3');
      expect(await remainQuota(key.id)).toBe(before - expected);
      // The cost API agrees with the log to the unit, reconciled at settlement.
      const cost = await t.http.get(`/api/cost/request/${res.headers['x-oneapi-request-id']}`);
      expect(cost.body).toMatchObject({ quota: expected, cost_usd: expected / 500000 });
    });

    it('charges the same buckets read from a passthrough stream', async () => {
      const res = await t.http
        .post('/v1/messages')
        .set('x-api-key', key.key)
        .set('anthropic-version', '2023-06-01')
        .send(claudeRequest(true));
      expect(res.status).toBe(200);
      const start = /"message_start".*?"usage":(\{[^}]*"cache_creation":\{[^}]*\}[^}]*\})/.exec(res.text);
      const delta = /"message_delta".*?"output_tokens":(\d+)/.exec(res.text);
      expect(start && delta).toBeTruthy();
      const u = JSON.parse(start![1]);
      const expected = Math.ceil(
        u.input_tokens * 1.5 +
          u.cache_read_input_tokens * 0.15 +
          u.cache_creation.ephemeral_5m_input_tokens * 1.875 +
          u.cache_creation.ephemeral_1h_input_tokens * 3 +
          Number(delta![1]) * 7.5 -
          1e-9,
      );
      await settled(t);
      expect((await consumeLog(res.headers['x-oneapi-request-id'])).quota).toBe(expected);
    });

    it('charges Gemini cached content at 0.1× and thoughts as output (converted from Chat Completions)', async () => {
      const before = await remainQuota(key.id);
      const res = await t.http
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${key.key}`)
        .send({
          model: 'gemini-2.5-pro',
          messages: [{ role: 'user', content: 'Explain caching in a few words. '.repeat(20) }],
        });
      expect(res.status).toBe(200);
      const u = res.body.usage;
      expect(u.prompt_tokens_details.cached_tokens).toBe(40);
      expect(u.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
      // gemini-2.5-pro: $1.25 in / $10 out → ratio 0.625, cached 0.0625, output 5 (reasoning included)
      const expected = Math.ceil(
        (u.prompt_tokens - 40) * 0.625 + 40 * 0.0625 + u.completion_tokens * 5 - 1e-9,
      );
      await settled(t);
      expect((await consumeLog(res.headers['x-oneapi-request-id'])).quota).toBe(expected);
      expect(await remainQuota(key.id)).toBe(before - expected);
    });
  });

  describe('per-channel prices (model_configs)', () => {
    it('serves the default pricing, and a channel without prices of its own uses it', async () => {
      const defaults = await root.get('/api/channel/default-pricing?models=gpt-4o-mini,claude-sonnet-4-5');
      expect(defaults.status).toBe(200);
      expect(defaults.body).toMatchObject({
        success: true,
        data: {
          model_configs: {
            'gpt-4o-mini': { ratio: 0.075, completion_ratio: 4, cached_input_ratio: 0.0375 },
            'claude-sonnet-4-5': {
              ratio: 1.5,
              completion_ratio: 5,
              cached_input_ratio: 0.15,
              cache_write_5m_ratio: 1.875,
              cache_write_1h_ratio: 3,
            },
          },
        },
      });
      const byType = await root.get('/api/channel/default-pricing?type=14');
      expect(Object.keys(byType.body.data.model_configs)).toContain('claude-sonnet-4-5');
      const pricing = await root.get(`/api/channel/pricing/${openaiChannel}`);
      expect(pricing.body).toMatchObject({
        success: true,
        data: {
          id: openaiChannel,
          model_configs: {},
          effective_pricing: { 'gpt-4o-mini': { ratio: 0.075 } },
        },
      });
    });

    it('rejects invalid model_configs with every problem named, and unknown channels with 404', async () => {
      const bad = await root
        .put(`/api/channel/pricing/${openaiChannel}`)
        .send({ model_configs: { 'gpt-4o-mini': { ratio: -1, tiers: [{ ratio: 1 }] } } });
      expect(bad.status).toBe(400);
      expect(bad.body.success).toBe(false);
      expect(bad.body.message).toContain('gpt-4o-mini.ratio: must not be negative');
      expect(bad.body.message).toContain('input_token_threshold');
      const missing = await root.put('/api/channel/pricing/999999').send({ model_configs: {} });
      expect(missing.status).toBe(404);
      expect((await t.http.get(`/api/channel/pricing/${openaiChannel}`)).status).toBe(401);
    });

    it('takes model_configs on channel create and update, and shows it with the channel', async () => {
      const created = await root.post('/api/channel/').send({
        type: 1,
        name: 'priced-on-create',
        key: 'k',
        base_url: openai.url,
        models: 'gpt-4o',
        model_configs: { 'gpt-4o': { ratio: 1, completion_ratio: 3 } },
      });
      expect(created.body.success).toBe(true);
      const id = created.body.data[0];
      const got = await root.get(`/api/channel/${id}`);
      expect(JSON.parse(got.body.data.model_configs)).toEqual({
        'gpt-4o': { ratio: 1, completion_ratio: 3 },
      });
      const updated = await root
        .put('/api/channel/')
        .send({ id, model_configs: '{"gpt-4o":{"cached_input_ratio":-1}}' });
      expect(JSON.parse(updated.body.data.model_configs)).toEqual({ 'gpt-4o': { cached_input_ratio: -1 } });
      const invalid = await root
        .put('/api/channel/')
        .send({ id, model_configs: { 'gpt-4o': { ratio: 'cheap' } } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.message).toContain('gpt-4o.ratio: must be a number');
      await root.delete(`/api/channel/${id}`);
    });

    it('prices requests on the channel with its own ratio once saved, without a restart', async () => {
      const saved = await root
        .put(`/api/channel/pricing/${openaiChannel}`)
        .send({ model_configs: { 'gpt-4o-mini': { ratio: 0.5, completion_ratio: 2 } } });
      expect(saved.body).toMatchObject({
        success: true,
        data: {
          model_configs: { 'gpt-4o-mini': { ratio: 0.5, completion_ratio: 2 } },
          effective_pricing: { 'gpt-4o-mini': { ratio: 0.5, completion_ratio: 2, cached_input_ratio: 0.25 } },
        },
      });
      const before = await remainQuota(key.id);
      const res = await t.http
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${key.key}`)
        .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'price me per channel' }] });
      expect(res.status).toBe(200);
      const u = res.body.usage;
      const expected = Math.ceil(u.prompt_tokens * 0.5 + u.completion_tokens * 0.5 * 2 - 1e-9);
      await settled(t);
      expect((await consumeLog(res.headers['x-oneapi-request-id'])).quota).toBe(expected);
      expect(await remainQuota(key.id)).toBe(before - expected);

      // Clearing the channel's prices brings back the global ones.
      await root.put(`/api/channel/pricing/${openaiChannel}`).send({ model_configs: {} });
      const again = await t.http
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${key.key}`)
        .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'price me globally' }] });
      const g = again.body.usage;
      await settled(t);
      expect((await consumeLog(again.headers['x-oneapi-request-id'])).quota).toBe(
        Math.ceil(g.prompt_tokens * 0.075 + g.completion_tokens * 0.3 - 1e-9),
      );
    });
  });

  describe('cost of a request (/api/cost/request/:id)', () => {
    it('is the held quota while the request runs, and the charged quota once it is settled', async () => {
      const slow = await startFakeOpenAI({ chunkDelayMs: 400 });
      try {
        await createChannel(root, { type: 1, name: 'slow', base_url: slow.url, models: 'gpt-4.1-mini' });
        const res = await fetch(`${t.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${key.key}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            model: 'gpt-4.1-mini',
            stream: true,
            stream_options: { include_usage: true },
            max_tokens: 1000,
            messages: [{ role: 'user', content: 'stream slowly please, with several words' }],
          }),
        });
        const requestId = res.headers.get('x-oneapi-request-id')!;
        const during = await t.http.get(`/api/cost/request/${requestId}`);
        expect(during.status).toBe(200);
        // gpt-4.1-mini holds at least max_tokens × 0.2 × 4 before the answer is known.
        expect(during.body).toMatchObject({ request_id: requestId, provisional: true });
        expect(during.body.quota).toBeGreaterThanOrEqual(800);
        const text = await res.text();
        const usage = JSON.parse(/data: (\{[^\n]*"usage":\{"prompt_tokens"[^\n]*)/.exec(text)![1]).usage;
        await settled(t);
        const expected = Math.ceil(usage.prompt_tokens * 0.2 + usage.completion_tokens * 0.8 - 1e-9);
        const after = await t.http.get(`/api/cost/request/${requestId}`);
        expect(after.body).toMatchObject({
          provisional: false,
          quota: expected,
          cost_usd: expected / 500000,
        });
        expect((await consumeLog(requestId)).quota).toBe(expected);
      } finally {
        await slow.close();
      }
    });

    it('holds PRECONSUME_TOKEN_FOR_BACKGROUND_REQUEST answer tokens for a background Responses request', async () => {
      const slow = await startFakeOpenAI({ chunkDelayMs: 300 });
      try {
        await createChannel(root, { type: 1, name: 'slow-nano', base_url: slow.url, models: 'gpt-4.1-nano' });
        const held = async (background: boolean) => {
          const res = await fetch(`${t.url}/v1/responses`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${key.key}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ model: 'gpt-4.1-nano', stream: true, background, input: 'hold for me' }),
          });
          const requestId = res.headers.get('x-oneapi-request-id');
          const cost = await t.http.get(`/api/cost/request/${requestId}`);
          await res.text();
          expect(cost.body.provisional).toBe(true);
          // Let the settlement land before the next test reads balances.
          for (let i = 0; i < 50; i++) {
            await settled(t);
            if ((await t.http.get(`/api/cost/request/${requestId}`)).body.provisional === false) break;
            await sleep(20);
          }
          return cost.body.quota as number;
        };
        // gpt-4.1-nano output costs 0.05 × 4 = 0.2 quota per token: 15000 tokens hold 3000, PreConsumedQuota's 500 hold 100.
        const background = await held(true);
        const foreground = await held(false);
        expect(background).toBeGreaterThanOrEqual(3000);
        expect(background - foreground).toBe(3000 - 100);
      } finally {
        await slow.close();
      }
    });

    it('answers 404 in the envelope for a request it never saw', async () => {
      const res = await t.http.get('/api/cost/request/no-such-request');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false });
    });
  });

  describe('external quota API (/api/token/consume)', () => {
    let ext: { id: number; key: string };
    const consume = (body: Record<string, unknown>, k = ext.key) =>
      t.http.post('/api/token/consume').set('Authorization', `Bearer ${k}`).send(body);
    const userQuota = async () => {
      const [row] = await t.dataSource.query(`SELECT quota FROM users WHERE username = 'root'`);
      return Number(row.quota);
    };

    beforeAll(async () => {
      ext = await createKey(root, { name: 'external', remain_quota: 10_000 });
    });

    it('single: charges the amount at once, confirmed, with a consume log', async () => {
      const userBefore = await userQuota();
      const res = await consume({ add_used_quota: 35, add_reason: 'sync-generate' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        success: true,
        message: '',
        data: { id: ext.id, remain_quota: 9965, used_quota: 35, unlimited_quota: false },
        transaction: {
          status: 'confirmed',
          status_code: 2,
          pre_quota: 35,
          final_quota: 35,
          reason: 'sync-generate',
        },
      });
      expect(res.body.transaction.transaction_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await userQuota()).toBe(userBefore - 35);
      const [log] = await t.dataSource.query(
        `SELECT quota, token_id FROM logs WHERE id = ${res.body.transaction.log_id}`,
      );
      expect(Number(log.quota)).toBe(35);
      expect(Number(log.token_id)).toBe(ext.id);
    });

    it('pre then post: holds the reservation, then charges the final amount and refunds the rest', async () => {
      const userBefore = await userQuota();
      const pre = await consume({
        phase: 'pre',
        add_used_quota: 150,
        add_reason: 'async-transcode',
        timeout_seconds: 600,
      });
      expect(pre.body).toMatchObject({
        success: true,
        data: { remain_quota: 9815, used_quota: 35 },
        transaction: {
          status: 'pending',
          status_code: 1,
          pre_quota: 150,
          final_quota: null,
          auto_confirmed: false,
        },
      });
      expect(pre.body.transaction.expires_at).toBeGreaterThan(Date.now() / 1000 + 590);
      const post = await consume({
        phase: 'post',
        transaction_id: pre.body.transaction.transaction_id,
        final_used_quota: 120,
        elapsed_time_ms: 10875,
      });
      expect(post.body).toMatchObject({
        success: true,
        data: { remain_quota: 9845, used_quota: 155 },
        transaction: {
          status: 'confirmed',
          pre_quota: 150,
          final_quota: 120,
          expires_at: 0,
          elapsed_time_ms: 10875,
        },
      });
      expect(await userQuota()).toBe(userBefore - 120);
      // A settled transaction cannot be settled again.
      const twice = await consume({ phase: 'post', transaction_id: pre.body.transaction.transaction_id });
      expect(twice.status).toBe(400);
      expect(twice.body).toMatchObject({
        success: false,
        message: expect.stringContaining('already confirmed'),
      });
    });

    it('post above the reservation charges the difference; cancel gives the whole reservation back', async () => {
      const pre = await consume({ phase: 'pre', add_used_quota: 100 });
      const post = await consume({
        phase: 'post',
        transaction_id: pre.body.transaction.transaction_id,
        final_used_quota: 130,
      });
      expect(post.body.data).toMatchObject({ remain_quota: 9845 - 130, used_quota: 285 });
      const hold = await consume({ phase: 'pre', add_used_quota: 500 });
      expect(hold.body.data.remain_quota).toBe(9715 - 500);
      const cancel = await consume({ phase: 'cancel', transaction_id: hold.body.transaction.transaction_id });
      expect(cancel.body).toMatchObject({
        data: { remain_quota: 9715, used_quota: 285 },
        transaction: { status: 'canceled', status_code: 4, final_quota: null },
      });
      expect(cancel.body.transaction.canceled_at).toBeGreaterThan(0);
      const unknown = await consume({ phase: 'cancel', transaction_id: 'no-such-transaction' });
      expect(unknown.status).toBe(404);
    });

    it('refuses what the key does not hold, and bad input, in the envelope', async () => {
      const tooMuch = await consume({ phase: 'pre', add_used_quota: 9716 });
      expect(tooMuch.status).toBe(400);
      expect(tooMuch.body).toMatchObject({
        success: false,
        message: expect.stringContaining('run out of quota'),
      });
      expect((await consume({ phase: 'later', add_used_quota: 1 })).status).toBe(400);
      expect((await consume({ add_used_quota: -5 })).status).toBe(400);
      expect((await consume({ phase: 'post' })).status).toBe(400);
      const anonymous = await t.http.post('/api/token/consume').send({ add_used_quota: 1 });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.success).toBe(false);
      expect(await remainQuota(ext.id)).toBe(9715);
    });

    it('settles a reservation that took the last of a key, though the key is now exhausted', async () => {
      const small = await createKey(root, { name: 'small', remain_quota: 50 });
      const pre = await consume({ phase: 'pre', add_used_quota: 50 }, small.key);
      expect(pre.body.data.remain_quota).toBe(0);
      const balance = await t.http.get('/api/token/balance').set('Authorization', `Bearer ${small.key}`);
      expect(balance.body).toEqual({
        success: true,
        message: '',
        data: { remain_quota: 0, used_quota: 0, unlimited_quota: false },
      });
      const post = await consume(
        { phase: 'post', transaction_id: pre.body.transaction.transaction_id, final_used_quota: 20 },
        small.key,
      );
      expect(post.body.data).toMatchObject({ remain_quota: 30, used_quota: 20 });
    });

    it('never overdraws a key under concurrent calls, and settles a transaction exactly once', async () => {
      const racing = await createKey(root, { name: 'racing', remain_quota: 1000 });
      const singles = await Promise.all(
        Array.from({ length: 15 }, () => consume({ add_used_quota: 100 }, racing.key)),
      );
      expect(singles.filter((r) => r.status === 200)).toHaveLength(10);
      // The losers are refused: out of quota (400), or an exhausted key (once the key cache saw remain 0).
      const refused = singles.filter((r) => r.status !== 200);
      expect(refused).toHaveLength(5);
      for (const r of refused) expect(r.body.success).toBe(false);
      expect(await remainQuota(racing.id)).toBe(0);

      const twin = await createKey(root, { name: 'twin', remain_quota: 500 });
      const pre = await consume({ phase: 'pre', add_used_quota: 300 }, twin.key);
      const id = pre.body.transaction.transaction_id;
      const settles = await Promise.all([
        ...Array.from({ length: 3 }, () =>
          consume({ phase: 'post', transaction_id: id, final_used_quota: 100 }, twin.key),
        ),
        ...Array.from({ length: 3 }, () => consume({ phase: 'cancel', transaction_id: id }, twin.key)),
      ]);
      expect(settles.filter((r) => r.status === 200)).toHaveLength(1);
      const winner = settles.find((r) => r.status === 200)!.body.transaction.status;
      // Whichever won, the key was charged exactly once: 100 after a post, nothing after a cancel.
      expect(await remainQuota(twin.id)).toBe(winner === 'confirmed' ? 400 : 500);
    });

    it('auto-confirms an expired reservation at its reserved amount on the next call', async () => {
      const pre = await consume({ phase: 'pre', add_used_quota: 70, timeout_seconds: 1 });
      expect(pre.body.data.remain_quota).toBe(9715 - 70);
      await sleep(2100);
      await consume({ add_used_quota: 5 });
      const list = await t.http
        .get('/api/token/transactions?p=0&size=2')
        .set('Authorization', `Bearer ${ext.key}`);
      expect(list.body.success).toBe(true);
      expect(list.body.total).toBe(6);
      expect(list.body.data).toHaveLength(2);
      const expired = await t.http
        .get('/api/token/transactions?p=0&size=10')
        .set('Authorization', `Bearer ${ext.key}`);
      const auto = expired.body.data.find(
        (x: { transaction_id: string }) => x.transaction_id === pre.body.transaction.transaction_id,
      );
      expect(auto).toMatchObject({ status: 3, auto_confirmed: true, pre_quota: 70, final_quota: 70 });
      expect(await remainQuota(ext.id)).toBe(9715 - 70 - 5);
      const balance = await t.http.get('/api/token/balance').set('Authorization', `Bearer ${ext.key}`);
      expect(balance.body.data).toEqual({
        remain_quota: 9640,
        used_quota: 285 + 70 + 5,
        unlimited_quota: false,
      });
      const logs = await t.http.get('/api/token/logs?p=0&size=100').set('Authorization', `Bearer ${ext.key}`);
      expect(
        logs.body.data.map((l: { quota: number }) => l.quota).reduce((a: number, b: number) => a + b, 0),
      ).toBe(360);
    });
  });

  describe('usage reports (/api/usage)', () => {
    it('sums consume logs per key, model and UTC day, matching the logs to the unit', async () => {
      const [total] = await t.dataSource.query(
        `SELECT SUM(quota) AS quota, COUNT(*) AS n FROM logs WHERE type = 2 AND username = 'root'`,
      );
      const byToken = await root.get('/api/usage?group_by=user,token');
      expect(byToken.body.success).toBe(true);
      const external = byToken.body.data.find((r: { token_name: string }) => r.token_name === 'external');
      expect(external).toMatchObject({ username: 'root', request_count: 5, quota: 360 });
      expect(external.day).toBeUndefined();

      const byModel = await root.get('/api/usage/self?group_by=model');
      const claude = byModel.body.data.find(
        (r: { model_name: string }) => r.model_name === 'claude-sonnet-4-5',
      );
      expect(claude.request_count).toBe(2);
      expect(claude.cached_prompt_tokens).toBeGreaterThan(0);
      const sum = byModel.body.data.reduce((a: number, r: { quota: number }) => a + r.quota, 0);
      expect(sum).toBe(Number(total.quota));

      const byDay = await root.get('/api/usage/self?group_by=day');
      expect(byDay.body.data).toEqual([
        expect.objectContaining({
          day: new Date().toISOString().slice(0, 10),
          quota: Number(total.quota),
          request_count: Number(total.n),
        }),
      ]);
      const none = await root.get(`/api/usage/self?start_timestamp=${Math.floor(Date.now() / 1000) + 3600}`);
      expect(none.body.data).toEqual([]);
      expect((await root.get('/api/usage/self?group_by=user')).status).toBe(400);
    });
  });
});
