// h2load (nghttp2-client) as the load generator: native, one thread, HTTP/1.1, per-request log for percentiles.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { runCommand } from './processes.mjs';

export const H2LOAD = '/usr/bin/h2load';

/** Makes sure h2load is installed; installs Debian's nghttp2-client when running as root. */
export async function ensureH2load(log) {
  if (existsSync(H2LOAD)) return;
  if (process.getuid?.() !== 0) {
    throw new Error('h2load is missing: install it with `apt-get install -y nghttp2-client` (needs root)');
  }
  log('h2load missing: apt-get install -y nghttp2-client');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = await runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'nghttp2-client'], {
    env,
    timeoutMs: 300_000,
  });
  if (r.code !== 0) {
    await runCommand('apt-get', ['update'], { env, timeoutMs: 300_000 });
    r = await runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'nghttp2-client'], {
      env,
      timeoutMs: 300_000,
    });
  }
  if (r.code !== 0 || !existsSync(H2LOAD)) throw new Error(`could not install nghttp2-client:\n${r.stderr}`);
}

export async function h2loadVersion() {
  const r = await runCommand(H2LOAD, ['--version'], { timeoutMs: 10_000 });
  return r.stdout.trim().split('\n')[0];
}

/**
 * One h2load run of `requests` POSTs of `bodyFile` over `clients` HTTP/1.1 connections.
 * Returns the request counts, wall time, req/s and, with `logFile`, every request's duration in µs.
 */
export async function runH2load({ url, headers, bodyFile, clients, requests, logFile, timeoutMs = 120_000 }) {
  const args = ['--h1', '-t', '1', '-c', String(clients), '-n', String(requests), '-d', bodyFile];
  for (const [k, v] of Object.entries({ ...headers, 'content-type': 'application/json' }))
    args.push('-H', `${k}: ${v}`);
  if (logFile) args.push(`--log-file=${logFile}`);
  args.push(url);
  const r = await runCommand(H2LOAD, args, { timeoutMs });
  const out = r.stdout;
  const finished = /finished in ([\d.]+)(ms|s), ([\d.]+) req\/s/.exec(out);
  const counts =
    /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      out,
    );
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  if (!finished || !counts) {
    throw new Error(`h2load gave no result (exit ${r.code}) for ${url}\n${out}\n${r.stderr}`.trim());
  }
  const seconds = Number(finished[1]) / (finished[2] === 'ms' ? 1000 : 1);
  const result = {
    seconds,
    reqPerSec: Number(finished[3]),
    total: Number(counts[1]),
    done: Number(counts[3]),
    succeeded: Number(counts[4]),
    failed: Number(counts[5]),
    errored: Number(counts[6]),
    timeout: Number(counts[7]),
    status2xx: codes ? Number(codes[1]) : NaN,
    non2xx: codes ? Number(codes[2]) + Number(codes[3]) + Number(codes[4]) : NaN,
    durationsMicros: undefined,
  };
  if (logFile) {
    result.durationsMicros = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'))
      .filter((cols) => Number(cols[1]) >= 200 && Number(cols[1]) < 300)
      .map((cols) => Number(cols[2]));
    rmSync(logFile, { force: true });
  }
  return result;
}

/** Throws when a run had failures: a benchmark of errors measures nothing. */
export function assertClean(label, r) {
  const bad = r.total - r.status2xx;
  if (r.succeeded !== r.total || bad > 0 || r.errored > 0 || r.timeout > 0) {
    throw new Error(
      `${label}: ${r.succeeded}/${r.total} succeeded, ${r.status2xx} 2xx, ${r.non2xx} non-2xx, ` +
        `${r.errored} errored, ${r.timeout} timed out`,
    );
  }
}
