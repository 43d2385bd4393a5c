import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import {
  ChaosKey,
  chaosFigures,
  checkMoneyInvariants,
  formatFigures,
  InitialQuota,
  runChaosLoad,
} from '@one-api/chaos';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { createTestDatabase, engineAvailability, TestDatabase } from './databases';
import { GatewayProcess, startGatewayProcess } from './gateway-process';
import { OwnRedis, startOwnRedis } from './redis-server';

const pgAvailable = engineAvailability().find((e) => e.engine === 'postgres')!.available;
const describePg = pgAvailable ? describe : describe.skip;

const REQUESTS = 520;
const CONCURRENCY = 12;
const RECONCILE_SECONDS = 4;
const MODELS = ['gpt-4o-mini', 'gpt-4o'];

type Agent = ReturnType<typeof request.agent>;

async function login(url: string, username: string, password: string): Promise<Agent> {
  const agent = request.agent(url);
  const res = await agent.post('/api/user/login').send({ username, password });
  if (res.status !== 200 || !res.body.success)
    throw new Error(`login ${username}: ${JSON.stringify(res.body)}`);
  return agent;
}

async function ok(res: request.Response | Promise<request.Response>): Promise<request.Response> {
  const r = await res;
  if (r.status !== 200 || r.body?.success === false) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/**
 * The chaos run: two gateway processes on one fresh PostgreSQL database and a private Redis, fake upstreams with
 * 20% injected faults and random client disconnects, PostgreSQL connections terminated mid-run, Redis stopped and
 * restarted, one gateway SIGKILLed — then the money is checked with SQL and the figures printed.
 */
describePg('chaos: faults, restarts and a crash under load, money exact afterwards', () => {
  let database: TestDatabase;
  let redis: OwnRedis;
  let healthy: FakeProvider;
  let chaotic: FakeProvider;
  let gateways: GatewayProcess[] = [];
  let sql: Client;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    redis = await startOwnRedis();
    // A little delay per stream event, so disconnects and kills land while streams are open.
    healthy = await startFakeOpenAI({ record: false, chunkDelayMs: 3 } as never);
    chaotic = await startFakeOpenAI({ record: false, chunkDelayMs: 3 } as never);
    sql = new Client({ connectionString: database.sqlDsn });
    sql.on('error', () => undefined); // terminated with the gateways' connections, or by the final DROP
    await sql.connect();
  }, 60_000);

  afterAll(async () => {
    for (const g of gateways) await g.kill('SIGKILL');
    await healthy?.close();
    await chaotic?.close();
    await redis?.stop();
    await database?.drop();
  });

  it(`${REQUESTS} requests through two gateways: ≥ 99% succeed, every key and user balances to the unit`, async () => {
    const env = {
      SQL_DSN: database.sqlDsn,
      REDIS_CONN_STRING: redis.url,
      REDIS_KEY_PREFIX: `chaos${randomBytes(3).toString('hex')}:`,
      SESSION_SECRET: 'chaos-session-secret',
      SQL_MAX_OPEN_CONNS: '20',
      // A hung upstream is given up after 2 s and the request goes to the next channel.
      RELAY_TIMEOUT: '2',
      QUOTA_RECONCILE_INTERVAL: String(RECONCILE_SECONDS),
      // Short penalties, so the faulty channel keeps getting traffic (and faults) during the whole run.
      CHANNEL_SUSPEND_SECONDS_FOR_429: '1',
      CHANNEL_BREAKER_COOLDOWN_SECONDS: '1',
    };
    const a = await startGatewayProcess(env);
    const b = await startGatewayProcess(env);
    gateways = [a, b];

    // Setup through A's management API: retries, a faulty and a healthy channel per model, users and keys.
    const root = await login(a.url, 'root', '123456');
    await ok(root.put('/api/option/').send({ key: 'RetryTimes', value: '3' }));
    for (const model of MODELS) {
      // Highest priority first: every request meets the faulty upstream first, then fails over to the healthy one.
      await ok(
        root.post('/api/channel/').send({
          type: 1,
          name: `chaotic ${model}`,
          key: 'k',
          base_url: chaotic.url,
          models: model,
          priority: 10,
        }),
      );
      await ok(
        root.post('/api/channel/').send({
          type: 1,
          name: `healthy ${model}`,
          key: 'k',
          base_url: healthy.url,
          models: model,
          priority: 0,
        }),
      );
    }
    const keys: ChaosKey[] = [];
    for (const u of [1, 2, 3]) {
      await ok(
        root
          .post('/api/user/')
          .send({ username: `chaos${u}`, password: `chaos-pass-${u}`, quota: 40_000_000 }),
      );
      const user = await login(a.url, `chaos${u}`, `chaos-pass-${u}`);
      for (const k of [1, 2]) {
        const res = await ok(user.post('/api/token/').send({ name: `k${k}`, remain_quota: 6_000_000 }));
        keys.push({ key: res.body.data.key, label: `chaos${u}/k${k}` });
      }
    }
    const unlimited = await ok(
      root.post('/api/token/').send({ name: 'root-unlimited', unlimited_quota: true }),
    );
    keys.push({ key: unlimited.body.data.key, label: 'root/unlimited' });

    const initial: InitialQuota = {
      tokens: (await sql.query('SELECT id, remain_quota, unlimited_quota FROM tokens')).rows.map((r) => ({
        id: Number(r.id),
        remainQuota: Number(r.remain_quota),
        unlimited: Boolean(r.unlimited_quota),
      })),
      users: (await sql.query('SELECT id, quota FROM users')).rows.map((r) => ({
        id: Number(r.id),
        quota: Number(r.quota),
      })),
    };

    // Its connection is about to be terminated with the gateways' ones.
    await sql.end();
    const admin = new Client({ connectionString: process.env.TEST_PG_URL });
    admin.on('error', () => undefined);
    await admin.connect();
    const dbName = new URL(database.sqlDsn).pathname.slice(1);
    const events: string[] = [];
    const live = [a.url, b.url];
    let killedUrl = '';
    let refundWatch: Promise<number> | undefined;
    /** Milliseconds from the kill until no hold of the killed process is left unrefunded. */
    const watchRefundOf = async (pid: number, killedAt: number): Promise<number> => {
      const watcher = new Client({ connectionString: database.sqlDsn });
      watcher.on('error', () => undefined);
      await watcher.connect();
      try {
        for (;;) {
          const left = await watcher
            .query(`SELECT COUNT(*) AS c FROM quota_holds WHERE refunded = 0 AND owner LIKE $1`, [
              `%-${pid}-%`,
            ])
            .then((r) => Number(r.rows[0].c))
            .catch(() => -1);
          if (left === 0) return Date.now() - killedAt;
          if (Date.now() - killedAt > RECONCILE_SECONDS * 5000) return Infinity;
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        await watcher.end().catch(() => undefined);
      }
    };
    const load = await runChaosLoad({
      gateways: live,
      keys,
      models: MODELS,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      streamRatio: 0.5,
      disconnectRatio: 0.05,
      faultRatio: 0.2,
      seed: 20261126,
      clientTimeoutMs: 30_000,
      injectFault: async (spec) => chaotic.failNext(1, spec),
      milestones: [
        {
          // "PostgreSQL restarts": every connection of both gateways to the test database is cut at once.
          fraction: 0.25,
          run: async () => {
            const r = await admin.query(
              'SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
              [dbName],
            );
            events.push(`PostgreSQL connections terminated: ${r.rowCount}`);
          },
        },
        {
          fraction: 0.4,
          run: async () => {
            await redis.stop();
            events.push('Redis stopped');
          },
        },
        {
          fraction: 0.55,
          run: async () => {
            await redis.restart();
            events.push('Redis restarted (empty)');
          },
        },
        {
          // A crash: the balancer stops sending to B, then B is SIGKILLed with its requests in flight.
          fraction: 0.7,
          run: async () => {
            live.splice(live.indexOf(b.url), 1);
            killedUrl = b.url;
            await b.kill('SIGKILL');
            events.push('gateway B SIGKILLed');
            refundWatch = watchRefundOf(b.pid, Date.now());
          },
        },
      ],
    });

    // Settlements are written every 50 ms; B's orphaned holds are refunded by A within one reconcile interval.
    const deadline = Date.now() + (RECONCILE_SECONDS * 3 + 10) * 1000;
    let holds = -1;
    for (;;) {
      const fresh = new Client({ connectionString: database.sqlDsn });
      await fresh.connect();
      holds = Number(
        (await fresh.query('SELECT COUNT(*) AS c FROM quota_holds WHERE refunded = 0')).rows[0].c,
      );
      await fresh.end();
      if (holds === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await admin.end();
    const refundedAfterMs = (await refundWatch) ?? Infinity;

    const check = new Client({ connectionString: database.sqlDsn });
    await check.connect();
    const money = await checkMoneyInvariants(
      async (text, params) => (await check.query(text, params)).rows,
      initial,
    );
    // Every answered request that A served has exactly one consume log.
    const answeredByA = load.results.filter(
      (r) => r.gateway === a.url && r.requestId && (r.outcome === 'ok' || r.outcome === 'stream-interrupted'),
    );
    const logged = new Set(
      (
        await check.query('SELECT request_id FROM logs WHERE type = 2 AND request_id = ANY($1)', [
          answeredByA.map((r) => r.requestId),
        ])
      ).rows.map((r) => r.request_id as string),
    );
    await check.end();

    const lostToKill = load.results.filter(
      (r) => r.gateway === killedUrl && r.outcome === 'connection-error',
    ).length;
    const figures = chaosFigures(load, lostToKill, money);
    const refunded = (
      a.output().match(/refunded \d+ quota held by request \S+ of a gateway process that stopped/g) ?? []
    ).length;
    const forgotten = (a.output().match(/refunded \d+ quota held by request \S+ whose taking/g) ?? []).length;
    process.stdout.write(
      `${formatFigures(figures)}\nchaos: events: ${events.join('; ')}; ${lostToKill} requests in flight on the killed gateway, ${refunded} holds of the killed gateway (all given back ${(refundedAfterMs / 1000).toFixed(1)} s after the kill, interval ${RECONCILE_SECONDS} s) and ${forgotten} holds whose taking had reported a failure refunded by the survivor\n`,
    );
    for (const v of money.violations) process.stdout.write(`chaos violation: ${v}\n`);
    if (money.violations.length) {
      const left = await new Client({ connectionString: database.sqlDsn });
      await left.connect();
      const rows = (await left.query('SELECT * FROM quota_holds WHERE refunded = 0')).rows;
      await left.end();
      writeFileSync(join(tmpdir(), 'chaos-gateway-a.log'), a.output());
      writeFileSync(join(tmpdir(), 'chaos-results.json'), JSON.stringify(load.results, null, 1));
      process.stdout.write(
        `chaos holds left: ${JSON.stringify(rows)}\ngateway A log (errors):\n${a
          .output()
          .split('\n')
          .filter((l) => /error|fail/i.test(l))
          .slice(0, 30)
          .join('\n')}\n`,
      );
    }
    const failures = load.results.filter(
      (r) =>
        r.outcome === 'http-error' ||
        r.outcome === 'timeout' ||
        (r.outcome === 'connection-error' && r.gateway !== killedUrl),
    );
    if (failures.length) {
      process.stdout.write(`chaos failures (first 10): ${JSON.stringify(failures.slice(0, 10))}\n`);
      const errorsOf = (g: GatewayProcess) =>
        g
          .output()
          .split('\n')
          .filter((l) => /"level":"(error|fatal)"/.test(l))
          .map((l) => l.slice(0, 600));
      process.stdout.write(`gateway errors:\n${[...errorsOf(a), ...errorsOf(b)].slice(0, 12).join('\n')}\n`);
    }

    expect(load.results).toHaveLength(REQUESTS);
    expect(figures.faultsInjected).toBeGreaterThanOrEqual(REQUESTS * 0.15);
    expect(figures.disconnects).toBeGreaterThan(0);
    expect(money.violations).toEqual([]);
    expect(money.holdsLeft).toBe(0);
    // Within one reconcile interval, plus a second for the whole-second timestamps of holds and heartbeats.
    expect(refundedAfterMs).toBeLessThanOrEqual((RECONCILE_SECONDS + 1) * 1000);
    expect(answeredByA.filter((r) => !logged.has(r.requestId!)).map((r) => r.requestId)).toEqual([]);
    expect(figures.successRateRecoverable).toBeGreaterThanOrEqual(0.99);
    // The survivor still serves after everything.
    const after = await request(a.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${keys[0].key}`)
      .send({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'still there?' }] });
    expect(after.status).toBe(200);
  }, 240_000);
});
