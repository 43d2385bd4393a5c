import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { JobQueue, JobRegistry } from '@one-api/server-queue';
import { startTestApp, TestApp } from './harness';
import { OwnRedis, startOwnRedis } from './redis-server';
import { createChannel, sleep } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const WORKER_MAIN = resolve(__dirname, '../../worker/dist/main.js');

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('BullMQ jobs run in apps/worker (the built worker process)', () => {
  let redis: OwnRedis;
  let fake: FakeProvider;
  let api: TestApp;
  let root: Agent;
  let worker: ChildProcess | undefined;
  let workerOutput = '';
  const prefix = `w${randomBytes(4).toString('hex')}:`;

  const startWorker = () => {
    worker = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        PATH: process.env.PATH,
        SQL_DSN: api.database.sqlDsn,
        SQLITE_PATH: api.database.sqlitePath,
        REDIS_CONN_STRING: redis.url,
        REDIS_KEY_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        TRACE_RETENTION_DAYS: '0', // no scheduled job: the counts below are the test's own jobs
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (d: Buffer) => (workerOutput += d.toString()));
    worker.stderr!.on('data', (d: Buffer) => (workerOutput += d.toString()));
  };
  const stopWorker = async () => {
    const w = worker;
    worker = undefined;
    if (!w || w.exitCode !== null) return;
    await new Promise<void>((r) => {
      w.once('exit', () => r());
      w.kill('SIGTERM');
    });
  };

  beforeAll(async () => {
    if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run \`npm run build\` first`);
    redis = await startOwnRedis();
    fake = await startFakeOpenAI();
    api = await startTestApp({
      env: {
        REDIS_CONN_STRING: redis.url,
        REDIS_KEY_PREFIX: prefix,
        RUN_WORKER_IN_API: 'false',
        TRACE_RETENTION_DAYS: '0',
      },
    });
    root = await api.login('root', '123456');
  });
  afterAll(async () => {
    await stopWorker();
    await api?.close();
    await fake?.close();
    await redis?.stop();
  });

  it('a test sweep queued by the API waits in Redis until a worker starts, then the worker runs it', async () => {
    const queue = api.app.get(JobQueue);
    expect(queue.kind).toBe('bullmq');
    const id = await createChannel(root, { name: 'swept', base_url: fake.url, models: 'gpt-4o-mini' });
    const res = await root.get('/api/channel/test?scope=all');
    expect(res.body).toEqual({ success: true, message: '' });

    await sleep(500);
    expect((await root.get(`/api/channel/${id}`)).body.data.test_time).toBe(0); // nobody processes: kept, not lost
    expect((await queue.counts()).waiting).toBe(1);

    startWorker();
    await until(async () => (await root.get(`/api/channel/${id}`)).body.data.test_time > 0).catch((e) => {
      throw new Error(`${(e as Error).message}\nworker output:\n${workerOutput}`);
    });
    expect(fake.requests.some((r) => r.path === '/v1/chat/completions')).toBe(true);
    await until(async () => (await queue.counts()).completed === 1);
    expect(api.app.get(JobRegistry).completed.get('channel-test-sweep')).toBeUndefined(); // not run by the API
    const logs = await api.dataSource.query(`SELECT content FROM logs WHERE type = 5 AND channel_id = ${id}`);
    expect(logs).toHaveLength(1);
    expect(logs[0].content).toMatch(/test passed/);
  });

  it('does not queue a job twice while one with the same key waits; a stopped worker loses nothing', async () => {
    const queue = api.app.get(JobQueue);
    await stopWorker();
    const before = (await queue.counts()).completed;
    await queue.add('log-retention', {}, { key: 'retention-once' });
    await queue.add('log-retention', {}, { key: 'retention-once' });
    expect((await queue.counts()).waiting).toBe(1);
    startWorker();
    await until(async () => (await queue.counts()).completed === before + 1);
    await sleep(300);
    const after = await queue.counts();
    expect(after.completed).toBe(before + 1);
    expect(after.waiting).toBe(0);
  });
});
