import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { loadConfig } from '@one-api/server-config';
import { JobQueue, JobRegistry } from '@one-api/server-queue';
import { WorkerModule } from '../../worker/src/worker.module';
import { startTestApp, TestApp } from './harness';
import { OwnRedis, startOwnRedis } from './redis-server';
import { createChannel, sleep } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('BullMQ jobs run in apps/worker', () => {
  let redis: OwnRedis;
  let fake: FakeProvider;
  let api: TestApp;
  let root: Agent;
  let worker: INestApplicationContext | undefined;
  const prefix = `w${randomBytes(4).toString('hex')}:`;

  const startWorker = async () => {
    const config = loadConfig({
      SQL_DSN: api.database.sqlDsn,
      SQLITE_PATH: api.database.sqlitePath || 'unused.db',
      REDIS_CONN_STRING: redis.url,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: 'error',
    });
    const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
      logger: ['error'],
    });
    await ctx.init();
    return ctx;
  };

  beforeAll(async () => {
    redis = await startOwnRedis();
    fake = await startFakeOpenAI();
    api = await startTestApp({
      env: { REDIS_CONN_STRING: redis.url, REDIS_KEY_PREFIX: prefix, RUN_WORKER_IN_API: 'false' },
    });
    root = await api.login('root', '123456');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await fake?.close();
    await redis?.stop();
  });

  it('a test sweep queued by the API waits in Redis until a worker starts, then the worker runs it', async () => {
    expect(api.app.get(JobQueue).kind).toBe('bullmq');
    const id = await createChannel(root, { name: 'swept', base_url: fake.url, models: 'gpt-4o-mini' });
    const res = await root.get('/api/channel/test?scope=all');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);

    await sleep(500);
    const before = (await root.get(`/api/channel/${id}`)).body.data;
    expect(before.test_time).toBe(0); // no processor anywhere yet: the job is kept, not lost
    expect((await api.app.get(JobQueue).counts()).waiting).toBeGreaterThanOrEqual(1);

    worker = await startWorker();
    await until(async () => (await root.get(`/api/channel/${id}`)).body.data.test_time > 0);
    const after = (await root.get(`/api/channel/${id}`)).body.data;
    expect(after.response_time).toBeGreaterThanOrEqual(0);
    expect(fake.requests.some((r) => r.path === '/v1/chat/completions')).toBe(true);
    expect(worker.get(JobRegistry).completed.get('channel-test-sweep')).toBe(1);
    expect(api.app.get(JobRegistry).completed.get('channel-test-sweep')).toBeUndefined();

    const logs = await api.dataSource.query(`SELECT content FROM logs WHERE type = 5 AND channel_id = ${id}`);
    expect(logs).toHaveLength(1);
    expect(logs[0].content).toMatch(/test passed/);
  });

  it('jobs with the same key are not queued twice while waiting', async () => {
    const queue = api.app.get(JobQueue);
    await worker!.close();
    worker = undefined;
    await queue.add('log-retention', {}, { key: 'retention-once' });
    await queue.add('log-retention', {}, { key: 'retention-once' });
    expect((await queue.counts()).waiting).toBe(1);
    worker = await startWorker();
    await until(async () => (worker!.get(JobRegistry).completed.get('log-retention') ?? 0) >= 1);
    await sleep(300);
    expect(worker.get(JobRegistry).completed.get('log-retention')).toBe(1);
  });
});
