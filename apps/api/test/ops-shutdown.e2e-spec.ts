import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { freePort } from './redis-server';

const MAIN = resolve(__dirname, '../dist/main.js');
const STREAMS = 50;

/** Opens a streamed chat completion and collects its body; resolves when the server ends the response. */
function openStream(
  url: string,
  key: string,
  onFirstByte: () => void,
): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten eleven twelve' }],
    });
    const req = httpRequest(
      `${url}/v1/chat/completions`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        let first = true;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (first) {
            first = false;
            onFirstByte();
          }
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', (e) => resolve({ status: res.statusCode ?? 0, body: text, error: e.message }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, body: '', error: e.message }));
    req.end(body);
  });
}

describe('graceful shutdown of the built gateway', () => {
  let fake: FakeProvider;
  let child: ChildProcess | undefined;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
    fake = await startFakeOpenAI({ chunkDelayMs: 100 });
    dir = mkdtempSync(join(tmpdir(), 'oneapi-shutdown-'));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`SIGTERM during ${STREAMS} open streams: every stream completes, is billed and logged, then the process exits 0`, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dbPath = join(dir, 'one-api.db');
    let output = '';
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        SQLITE_PATH: dbPath,
        SESSION_SECRET: 'shutdown-test',
        SHUTDOWN_TIMEOUT_SEC: '30',
        FORCE_ROOT_PASSWORD_CHANGE: 'false',
        RATE_LIMIT_DISABLED: 'true',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));

    for (let i = 0; ; i++) {
      try {
        if ((await request(url).get('/api/status')).status === 200) break;
      } catch {
        // not listening yet
      }
      if (i > 200) throw new Error(`gateway did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const root = request.agent(url);
    expect((await root.post('/api/user/login').send({ username: 'root', password: '123456' })).status).toBe(
      200,
    );
    expect(
      (
        await root
          .post('/api/channel/')
          .send({ type: 1, name: 'slow', key: 'k', base_url: fake.url, models: 'gpt-4o-mini' })
      ).status,
    ).toBe(200);
    const token = await root.post('/api/token/').send({ name: 'drain', remain_quota: 50_000_000 });
    const key = token.body.data.key as string;
    const keyId = token.body.data.id as number;

    let started = 0;
    let allStarted!: () => void;
    const ready = new Promise<void>((r) => (allStarted = r));
    const streams = Array.from({ length: STREAMS }, () =>
      openStream(url, key, () => {
        if (++started === STREAMS) allStarted();
      }),
    );
    await ready;
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    // No new connections once draining started.
    const refused = await openStream(url, key, () => undefined);
    expect(refused.status).toBe(0);

    const results = await Promise.all(streams);
    const code = await exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(30_000);
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r.status).toBe(200);
      expect(r.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    }

    const db = new Database(dbPath, { readonly: true });
    try {
      const logs = db
        .prepare('SELECT quota, completion_tokens FROM logs WHERE type = 2 AND token_id = ?')
        .all(keyId) as Array<{ quota: number; completion_tokens: number }>;
      expect(logs).toHaveLength(STREAMS);
      for (const log of logs) {
        expect(log.quota).toBeGreaterThan(0);
        expect(log.completion_tokens).toBeGreaterThan(0);
      }
      const row = db.prepare('SELECT remain_quota, used_quota FROM tokens WHERE id = ?').get(keyId) as {
        remain_quota: number;
        used_quota: number;
      };
      const charged = logs.reduce((s, l) => s + l.quota, 0);
      expect(row.used_quota).toBe(charged);
      expect(row.remain_quota + row.used_quota).toBe(50_000_000);
    } finally {
      db.close();
    }
  }, 90_000);
});
