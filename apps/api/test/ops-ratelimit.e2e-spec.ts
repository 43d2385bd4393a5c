import { randomBytes } from 'node:crypto';
import { startTestApp, TestApp } from './harness';
import { engineAvailability } from './databases';
import { OwnRedis, startOwnRedis } from './redis-server';
import { createKey } from './relay-fixtures';

const pgAvailable = engineAvailability().find((e) => e.engine === 'postgres')!.available;
const describePg = pgAvailable ? describe : describe.skip;

const LIMITS_ON = { RATE_LIMIT_DISABLED: 'false' };

async function startPair(redis: OwnRedis, env: Record<string, string>): Promise<[TestApp, TestApp]> {
  const shared = {
    ...LIMITS_ON,
    REDIS_CONN_STRING: redis.url,
    REDIS_KEY_PREFIX: `rl${randomBytes(4).toString('hex')}:`,
    ...env,
  };
  const a = await startTestApp({ engine: 'postgres', env: shared });
  const b = await startTestApp({ database: a.database, env: shared });
  return [a, b];
}

describePg('rate limits shared by two gateways through Redis', () => {
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await startOwnRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  describe('GLOBAL_API_RATE_LIMIT', () => {
    let pair: [TestApp, TestApp];
    beforeAll(async () => {
      pair = await startPair(redis, { GLOBAL_API_RATE_LIMIT: '12', CRITICAL_RATE_LIMIT: '0' });
    });
    afterAll(async () => {
      await pair?.[1].close();
      await pair?.[0].close();
    });

    it('trips at the configured count summed over both gateways, with 429 and Retry-After', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await pair[i % 2].http.get('/api/status')).status);
      expect(statuses).toEqual(Array(12).fill(200));
      for (const t of pair) {
        const res = await t.http.get('/api/status');
        expect(res.status).toBe(429);
        const retryAfter = Number(res.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(180);
        expect(res.body).toMatchObject({ success: false });
        expect(res.body.message).toMatch(/Too many requests/);
      }
    });
  });

  describe('GLOBAL_RELAY_RATE_LIMIT and CRITICAL_RATE_LIMIT', () => {
    let pair: [TestApp, TestApp];
    beforeAll(async () => {
      pair = await startPair(redis, {
        GLOBAL_API_RATE_LIMIT: '0',
        GLOBAL_RELAY_RATE_LIMIT: '5',
        CRITICAL_RATE_LIMIT: '3',
      });
    });
    afterAll(async () => {
      await pair?.[1].close();
      await pair?.[0].close();
    });

    it('limits each API key, not the caller IP, across both gateways', async () => {
      const root = await pair[0].login('root', '123456'); // critical: 1 of 3
      const first = await createKey(root, { name: 'limited', unlimited_quota: true });
      const second = await createKey(root, { name: 'other', unlimited_quota: true });
      const models = (t: TestApp, key: string) =>
        t.http.get('/v1/models').set('Authorization', `Bearer ${key}`);
      for (let i = 0; i < 5; i++) expect((await models(pair[i % 2], first.key)).status).toBe(200);
      const refused = await models(pair[1], first.key);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
      expect((await models(pair[0], second.key)).status).toBe(200);
    });

    it('allows CRITICAL_RATE_LIMIT sign-ins per IP in 20 minutes across both gateways', async () => {
      // One sign-in happened in the test above.
      const tries = [];
      for (let i = 0; i < 3; i++)
        tries.push(
          (await pair[i % 2].http.post('/api/user/login').send({ username: 'root', password: '123456' }))
            .status,
        );
      expect(tries).toEqual([200, 200, 429]);
      const res = await pair[1].http
        .post('/api/user/register')
        .send({ username: 'someone', password: '12345678' });
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(1100);
    });
  });
});

describe('rate limits without Redis', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...LIMITS_ON, GLOBAL_API_RATE_LIMIT: '3', GLOBAL_WEB_RATE_LIMIT: '2' } });
  });
  afterAll(() => t?.close());

  it('count in memory', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.http.get('/api/status')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('limit the web pages per IP with an empty 429', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.http.get('/some/page')).status);
    expect(statuses[2]).toBe(429);
    expect(statuses.slice(0, 2)).not.toContain(429);
  });

  it('are off with RATE_LIMIT_DISABLED', async () => {
    const off = await startTestApp({ env: { GLOBAL_API_RATE_LIMIT: '1' } });
    try {
      for (let i = 0; i < 5; i++) expect((await off.http.get('/api/status')).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});
