import { randomBytes } from 'node:crypto';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { RedisQuotaLedger } from '@one-api/server-billing';
import { engineAvailability } from './databases';
import { startTestApp, TestApp } from './harness';
import { OwnRedis, startOwnRedis } from './redis-server';
import { createChannel, createKey, settled, sleep } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const pgAvailable = engineAvailability().find((e) => e.engine === 'postgres')!.available;
const describePg = pgAvailable ? describe : describe.skip;

/** Two gateway processes' worth of apps on one PostgreSQL database and one Redis. */
async function startPair(redis: OwnRedis, env: Record<string, string> = {}): Promise<[TestApp, TestApp]> {
  const shared = {
    REDIS_CONN_STRING: redis.url,
    REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}:`,
    SQL_MAX_OPEN_CONNS: '20',
    ...env,
  };
  const a = await startTestApp({ engine: 'postgres', env: shared });
  const b = await startTestApp({ database: a.database, env: shared });
  return [a, b];
}

async function closePair(pair: [TestApp, TestApp] | undefined): Promise<void> {
  if (!pair) return;
  await pair[1].close();
  await pair[0].close();
}

const chat = (t: TestApp, key: string, content = 'hello') =>
  t.http
    .post('/v1/chat/completions')
    .set('Authorization', `Bearer ${key}`)
    .send({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content }] });

describePg('two gateways on one PostgreSQL + Redis', () => {
  let redis: OwnRedis;
  let fake: FakeProvider;

  beforeAll(async () => {
    redis = await startOwnRedis();
    fake = await startFakeOpenAI({ record: false } as never);
  });
  afterAll(async () => {
    await fake?.close();
    await redis?.stop();
  });

  describe('cache invalidation', () => {
    let pair: [TestApp, TestApp];
    let rootA: Agent;

    beforeAll(async () => {
      pair = await startPair(redis);
      rootA = await pair[0].login('root', '123456');
      await createChannel(rootA, { name: 'shared', base_url: fake.url, models: 'gpt-4o-mini' });
    });
    afterAll(() => closePair(pair));

    it('a key disabled on gateway A is refused by gateway B at once (B had it cached)', async () => {
      const [a, b] = pair;
      const key = await createKey(rootA, { name: 'replicated', remain_quota: 1_000_000 });
      expect((await chat(b, key.key)).status).toBe(200); // B caches the key
      const off = await rootA.put('/api/token/?status_only=1').send({ id: key.id, status: 2 });
      expect(off.status).toBe(200);
      // The change travels A → Redis → B; allow the pub/sub hop.
      let status = 0;
      for (let i = 0; i < 150 && status !== 401; i++) {
        status = (await chat(b, key.key)).status;
        if (status !== 401) await sleep(20);
      }
      expect(status).toBe(401);
      expect((await chat(a, key.key)).status).toBe(401);
    });

    it('an option saved on A is in effect on B at once', async () => {
      const rootB = await pair[1].login('root', '123456');
      const read = async () =>
        (await rootB.get('/api/option/')).body.data.find((o: { key: string }) => o.key === 'Notice')?.value;
      expect(await read()).not.toBe('replicated notice');
      expect(
        (await rootA.put('/api/option/').send({ key: 'Notice', value: 'replicated notice' })).status,
      ).toBe(200);
      let value = await read();
      for (let i = 0; i < 150 && value !== 'replicated notice'; i++) {
        await sleep(20);
        value = await read();
      }
      expect(value).toBe('replicated notice');
    });

    it('a channel disabled on B stops taking traffic on A', async () => {
      const [a, b] = pair;
      const rootB = await b.login('root', '123456');
      const other = await startFakeOpenAI();
      try {
        const id = await createChannel(rootB, {
          name: 'B-only',
          base_url: other.url,
          models: 'gpt-4o-only-b',
        });
        const key = await createKey(rootA, { name: 'b-channel', remain_quota: 1_000_000 });
        const call = () =>
          a.http
            .post('/v1/chat/completions')
            .set('Authorization', `Bearer ${key.key}`)
            .send({ model: 'gpt-4o-only-b', messages: [{ role: 'user', content: 'x' }] });
        expect((await call()).status).toBe(200);
        await rootB.put('/api/channel/?status_only=1').send({ id, status: 2 });
        let status = 200;
        for (let i = 0; i < 150 && status === 200; i++) {
          status = (await call()).status;
          if (status === 200) await sleep(20);
        }
        expect(status).toBe(503);
      } finally {
        await other.close();
      }
    });
  });

  describe.each([
    ['quota held in the database', 'false'],
    ['quota held in Redis with batched flush', 'true'],
  ])('%s', (_label, batch) => {
    let pair: [TestApp, TestApp];
    let rootA: Agent;

    beforeAll(async () => {
      pair = await startPair(redis, { BATCH_UPDATE_ENABLED: batch, BATCH_UPDATE_INTERVAL: '1' });
      rootA = await pair[0].login('root', '123456');
      await createChannel(rootA, { name: 'race', base_url: fake.url, models: 'gpt-4o-mini' });
    });
    afterAll(() => closePair(pair));

    it('stays exact under concurrent load split across both gateways', async () => {
      const [a, b] = pair;
      const probeKey = await createKey(rootA, { name: 'probe', remain_quota: 1_000_000 });
      expect((await chat(a, probeKey.key, 'race')).status).toBe(200);
      await settled(a);
      const [probe] = await a.dataSource.query(`SELECT quota FROM logs WHERE token_id = ${probeKey.id}`);
      const perRequest = Number(probe.quota);
      expect(perRequest).toBeGreaterThan(0);

      const initial = perRequest * 40;
      const key = await createKey(rootA, { name: 'split', remain_quota: initial });
      const statuses = await Promise.all(
        Array.from({ length: 160 }, (_, i) => chat(i % 2 ? b : a, key.key, 'race').then((r) => r.status)),
      );
      const ok = statuses.filter((s) => s === 200).length;
      expect(statuses.filter((s) => s !== 200 && s !== 403 && s !== 401)).toEqual([]);
      expect(ok).toBeGreaterThan(0);
      expect(ok).toBeLessThanOrEqual(40);

      for (const t of pair) await settled(t);
      for (const t of pair) await t.app.get(RedisQuotaLedger).flush();
      const [token] = await a.dataSource.query(
        `SELECT remain_quota, used_quota FROM tokens WHERE id = ${key.id}`,
      );
      const logs = await a.dataSource.query(`SELECT quota FROM logs WHERE type = 2 AND token_id = ${key.id}`);
      const logged = logs.reduce((s: number, l: { quota: number }) => s + Number(l.quota), 0);
      expect(logs).toHaveLength(ok);
      expect(Number(token.remain_quota)).toBeGreaterThanOrEqual(0);
      expect(Number(token.used_quota)).toBe(logged);
      expect(Number(token.remain_quota) + Number(token.used_quota)).toBe(initial);
      if (batch === 'true') {
        const flushes = await a.dataSource.query(`SELECT COUNT(*) AS n FROM quota_flushes`);
        expect(Number(flushes[0].n)).toBeGreaterThan(0);
      }
    });
  });

  describe('Redis stopped mid-run', () => {
    let own: OwnRedis;
    let pair: [TestApp, TestApp];
    let rootA: Agent;

    beforeAll(async () => {
      own = await startOwnRedis();
      pair = await startPair(own, {
        BATCH_UPDATE_ENABLED: 'true',
        RATE_LIMIT_DISABLED: 'false',
        GLOBAL_API_RATE_LIMIT: '1000',
        GLOBAL_RELAY_RATE_LIMIT: '1000',
      });
      rootA = await pair[0].login('root', '123456');
      await createChannel(rootA, { name: 'steady', base_url: fake.url, models: 'gpt-4o-mini' });
    });
    afterAll(async () => {
      await closePair(pair);
      await own?.stop();
    });

    it('keeps serving relay and management requests from memory, and uses Redis again when it returns', async () => {
      const [a, b] = pair;
      const key = await createKey(rootA, { name: 'steady', remain_quota: 10_000_000 });
      for (const t of pair) expect((await chat(t, key.key)).status).toBe(200);

      await own.stop();
      for (let i = 0; i < 6; i++) {
        const t = i % 2 ? b : a;
        expect((await chat(t, key.key)).status).toBe(200);
        expect((await t.http.get('/api/status')).status).toBe(200);
      }
      const rootB = await b.login('root', '123456');
      expect((await rootB.get('/api/channel/')).status).toBe(200);

      await own.restart();
      await sleep(1500); // ioredis reconnects within ~1 s
      for (const t of pair) expect((await chat(t, key.key)).status).toBe(200);

      for (const t of pair) await settled(t);
      for (const t of pair) await t.app.get(RedisQuotaLedger).flush();
      const logs = await a.dataSource.query(`SELECT quota FROM logs WHERE type = 2 AND token_id = ${key.id}`);
      expect(logs).toHaveLength(10);
    });
  });
});
