import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAnthropic } from '../anthropic/fake-anthropic';
import type { FakeProvider } from '../core/fake-server';
import { startFakeGemini } from '../gemini/fake-gemini';
import { startFakeOpenAI } from '../openai/fake-openai';

/** A channel the self-hosted run creates: one fake provider behind one One API channel type. */
export interface SelfHostChannel {
  /** column name in the table */
  model: string;
  /** One API channel type */
  type: number;
  name: string;
  /** the channel's config, e.g. `{"api_format":"response"}` */
  config?: Record<string, unknown>;
  start(): Promise<FakeProvider>;
}

/**
 * OpenAI (1, Chat Completions), OpenAI speaking the Responses API (1 with `api_format: response`), Anthropic (14),
 * Gemini (24) and DeepSeek (36), each on its own fake.
 */
export const SELF_HOST_CHANNELS: readonly SelfHostChannel[] = [
  { model: 'gpt-4o-mini', type: 1, name: 'matrix openai', start: () => startFakeOpenAI() },
  {
    model: 'gpt-4.1-mini',
    type: 1,
    name: 'matrix openai responses',
    config: { api_format: 'response' },
    start: () => startFakeOpenAI(),
  },
  { model: 'claude-haiku-4-5', type: 14, name: 'matrix anthropic', start: () => startFakeAnthropic() },
  { model: 'gemini-2.5-flash', type: 24, name: 'matrix gemini', start: () => startFakeGemini() },
  { model: 'deepseek-chat', type: 36, name: 'matrix deepseek', start: () => startFakeOpenAI() },
];

export const ROOT_USERNAME = 'root';
export const ROOT_PASSWORD = '123456';

export interface SelfHostedGateway {
  apiBase: string;
  apiToken: string;
  /** the models served, in column order */
  models: string[];
  /** the fake behind each model */
  fakes: Record<string, FakeProvider>;
  /** what the gateway process printed */
  output(): string;
  close(): Promise<void>;
}

export interface SelfHostOptions {
  /** path of the built gateway entry point (apps/api/dist/main.js) */
  gatewayMain: string;
  /** a subset of SELF_HOST_CHANNELS' models (default: all) */
  models?: readonly string[];
  /** how long to wait for the gateway to answer /api/status (default 60 s) */
  startTimeoutMs?: number;
  /** extra environment for the gateway process */
  env?: Record<string, string>;
}

/** A free TCP port on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tiny JSON client of the management API carrying the session cookie. */
class AdminClient {
  private cookie = '';
  constructor(private readonly base: string) {}

  async call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const cookies = res.headers.getSetCookie();
    if (cookies.length > 0) this.cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // reported below
    }
    if (!res.ok || parsed.success !== true)
      throw new Error(`${method} ${path} failed: ${res.status} ${text.slice(0, 500)}`);
    return parsed;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the fakes on loopback, spawns the built gateway on a free port with a fresh SQLite file, signs in as root,
 * creates one channel per fake and an unlimited key. `close()` stops the gateway and the fakes and deletes the file.
 */
export async function startSelfHostedGateway(opts: SelfHostOptions): Promise<SelfHostedGateway> {
  if (!existsSync(opts.gatewayMain))
    throw new Error(`${opts.gatewayMain} is missing: run \`npm run build\` first`);
  const wanted = opts.models && opts.models.length > 0 ? new Set(opts.models) : undefined;
  const channels = SELF_HOST_CHANNELS.filter((c) => !wanted || wanted.has(c.model));
  if (wanted) {
    const unknown = [...wanted].filter((m) => !SELF_HOST_CHANNELS.some((c) => c.model === m));
    if (unknown.length > 0)
      throw new Error(
        `no fake serves ${unknown.join(', ')} (self-hosted models: ${SELF_HOST_CHANNELS.map((c) => c.model).join(', ')})`,
      );
  }
  const fakes: Record<string, FakeProvider> = {};
  const dir = mkdtempSync(join(tmpdir(), 'oneapi-matrix-'));
  let child: ChildProcess | undefined;
  let output = '';
  const close = async () => {
    if (child) await stopProcess(child);
    await Promise.all(Object.values(fakes).map((f) => f.close()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const c of channels) fakes[c.model] = await c.start();
    const port = await freeLoopbackPort();
    const apiBase = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [opts.gatewayMain], {
      // A clean environment: nothing from the caller's shell (SQL_DSN, REDIS_CONN_STRING, ...) reaches the gateway.
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        SQLITE_PATH: join(dir, 'one-api.db'),
        SESSION_SECRET: `matrix-${process.pid}-${Date.now()}`,
        FORCE_ROOT_PASSWORD_CHANGE: 'false',
        RATE_LIMIT_DISABLED: 'true',
        LOG_LEVEL: 'warn',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}:\n${output}`);
      try {
        if ((await fetch(`${apiBase}/api/status`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the gateway did not start:\n${output}`);
      await sleep(100);
    }
    const admin = new AdminClient(apiBase);
    await admin.call('POST', '/api/user/login', { username: ROOT_USERNAME, password: ROOT_PASSWORD });
    for (const c of channels) {
      await admin.call('POST', '/api/channel/', {
        type: c.type,
        name: c.name,
        key: 'matrix-upstream-key',
        base_url: fakes[c.model].url,
        models: c.model,
        group: 'default',
        ...(c.config ? { config: JSON.stringify(c.config) } : {}),
      });
    }
    const token = await admin.call('POST', '/api/token/', { name: 'matrix', unlimited_quota: true });
    const apiToken = String((token.data as { key: string }).key);
    return {
      apiBase,
      apiToken,
      models: channels.map((c) => c.model),
      fakes,
      output: () => output,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
