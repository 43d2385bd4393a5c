// Starting the fake upstream and the gateway, and setting the gateway up through its management API.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, httpAlive } from './http.mjs';
import { startProcess, waitUntil } from './processes.mjs';

export const FAST_MODEL = 'gpt-4o-mini';
export const SLOW_MODEL = 'gpt-4o';
export const UPSTREAM_KEY = 'sk-fake-upstream';
export const RAISED_RATE_LIMIT = 1_000_000_000;

export function builtPaths(root) {
  const paths = {
    gatewayMain: join(root, 'apps/api/dist/main.js'),
    fakeCli: join(root, 'libs/llm/testing/dist/cli.js'),
  };
  if (!existsSync(paths.gatewayMain) || !existsSync(paths.fakeCli)) {
    throw new Error('the gateway or the fake upstream is not built: run `npm run build` first');
  }
  return paths;
}

/** Environment for every server: production mode, no NODE_OPTIONS leaking in from the caller. */
export function serverEnv() {
  const env = { ...process.env, NODE_ENV: 'production' };
  delete env.NODE_OPTIONS;
  return env;
}

/** The fake OpenAI upstream, zero latency, recording nothing. */
export async function startFake(root, port, tmp) {
  const fake = startProcess(
    'fake',
    process.execPath,
    [builtPaths(root).fakeCli, '--port', String(port), '--zero-latency'],
    {
      env: serverEnv(),
      logFile: join(tmp, 'fake.log'),
    },
  );
  fake.url = `http://127.0.0.1:${port}`;
  await waitUntil('fake upstream', () => httpAlive(`${fake.url}/v1/models`), { proc: fake });
  return fake;
}

/** The gateway on 127.0.0.1 with its own SQLite file in `tmp`; `nodeArgs` go before the script (profilers). */
export async function startGateway(root, port, tmp, { nodeArgs = [], ipc = false, env = {} } = {}) {
  const gateway = startProcess('gateway', process.execPath, [...nodeArgs, builtPaths(root).gatewayMain], {
    cwd: root,
    ipc,
    env: {
      ...serverEnv(),
      PORT: String(port),
      HOST: '127.0.0.1',
      SQL_DSN: '',
      LOG_SQL_DSN: '',
      REDIS_CONN_STRING: '',
      SQLITE_PATH: join(tmp, 'gateway.db'),
      SESSION_SECRET: randomBytes(24).toString('hex'),
      DEBUG: 'false',
      DEBUG_SQL: 'false',
      // No per-request access log line on stdout (Portkey writes none either); warnings and errors stay.
      LOG_LEVEL: 'warn',
      // Rate limiting stays on (its cost is part of the hot path) with limits far above the benchmark's volume.
      RATE_LIMIT_DISABLED: 'false',
      GLOBAL_RELAY_RATE_LIMIT: String(RAISED_RATE_LIMIT),
      GLOBAL_API_RATE_LIMIT: String(RAISED_RATE_LIMIT),
      ...env,
    },
    logFile: join(tmp, 'gateway.log'),
  });
  gateway.url = `http://127.0.0.1:${port}`;
  await waitUntil('gateway', () => httpAlive(`${gateway.url}/api/status`), {
    proc: gateway,
    timeoutMs: 60_000,
  });
  return gateway;
}

/**
 * As an admin would: root logs in and changes the default password, retries off, one channel per model on the fake (the slow one sleeps
 * `slowMs` before every stream event), one unlimited key. Returns the API client and the `sk-` key.
 */
export async function setupGateway(gatewayUrl, fakeUrl, slowMs) {
  const api = new ApiClient(gatewayUrl);
  await api.call('POST', '/api/user/login', { username: 'root', password: '123456' });
  // The gateway refuses other management calls until root's default password is changed (the cookie is re-issued).
  await api.call('PUT', '/api/user/self', { password: `b-${randomBytes(8).toString('hex')}` });
  await api.call('PUT', '/api/option/', { key: 'RetryTimes', value: '0' });
  await api.call('POST', '/api/channel/', {
    type: 1,
    name: 'bench-fake',
    key: UPSTREAM_KEY,
    base_url: fakeUrl,
    models: FAST_MODEL,
    group: 'default',
  });
  await api.call('POST', '/api/channel/', {
    type: 1,
    name: 'bench-fake-slow',
    key: UPSTREAM_KEY,
    base_url: `${fakeUrl}/_fault/slow:${slowMs}`,
    models: SLOW_MODEL,
    group: 'default',
  });
  const token = await api.call('POST', '/api/token/', { name: 'bench', unlimited_quota: true });
  const key = token.key.startsWith('sk-') ? token.key : `sk-${token.key}`;
  return { api, key };
}

/** The chat body every benchmark request sends (non-stream and stream). */
export function chatBodies(model = FAST_MODEL) {
  const body = {
    model,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Say hello to the benchmark.' },
    ],
  };
  return { body: JSON.stringify(body), streamBody: JSON.stringify({ ...body, stream: true }) };
}
