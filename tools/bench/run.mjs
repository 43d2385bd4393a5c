#!/usr/bin/env node
// `npm run bench` — the relay benchmark: the zero-latency fake OpenAI called directly, through this gateway
// (auth, quota hold, settlement and logs on) and through the Portkey gateway, side by side in one run,
// interleaved over rounds whose order rotates. Prints a table and writes docs/benchmarks.md.
//
//   npm run build && npm run bench [-- --rounds=3] [--quick] [--no-write] [--out=FILE] [--streams=1000]
//                                     [--wait-quiet=120] [--keep-tmp] [--gateway-node-args="--flag …"]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertClean, ensureH2load, h2loadVersion, runH2load } from './lib/h2load.mjs';
import { httpAlive, openStreams, timeStream } from './lib/http.mjs';
import { installPortkey, PORTKEY, portkeyHeaders } from './lib/portkey.mjs';
import { cpuMicros, ForeignLoad, memoryMiB } from './lib/proc-stats.mjs';
import { median } from './lib/stats.mjs';
import { freePort, sleep, startProcess, stopAll, stopProcess, waitUntil } from './lib/processes.mjs';
import { machineFacts, printConsoleTable, summarize, writeMarkdown } from './lib/report.mjs';
import {
  builtPaths,
  chatBodies,
  serverEnv,
  setupGateway,
  SLOW_MODEL,
  startFake,
  startGateway,
  UPSTREAM_KEY,
} from './lib/servers.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TARGETS = ['direct', 'gateway', 'portkey'];
const RUN_LIMIT_MS = 45 * 60_000;
const QUIET_CORES = 0.3;
const NOISY_CORES = 0.5;

function parseArgs(argv) {
  const opts = {
    rounds: 3,
    quick: false,
    write: true,
    out: join(ROOT, 'docs/benchmarks.md'),
    streams: 1000,
    slowMs: 2000,
    waitQuiet: 120,
    keepTmp: false,
    gatewayNodeArgs: [],
  };
  for (const arg of argv) {
    const [k, v] = arg.split(/=(.*)/s, 2);
    if (k === '--rounds') opts.rounds = Math.max(1, Number(v));
    else if (k === '--quick') opts.quick = true;
    else if (k === '--no-write') opts.write = false;
    else if (k === '--out') opts.out = resolve(v);
    else if (k === '--streams') opts.streams = Math.max(1, Number(v));
    else if (k === '--slow-ms') opts.slowMs = Math.max(100, Number(v));
    else if (k === '--wait-quiet') opts.waitQuiet = Math.max(0, Number(v));
    else if (k === '--keep-tmp') opts.keepTmp = true;
    else if (k === '--gateway-node-args') opts.gatewayNodeArgs = v.split(/\s+/).filter(Boolean);
    else throw new Error(`unknown argument ${arg}`);
  }
  opts.n = opts.quick
    ? { warm32: 1000, warm1: 200, c1: 300, c32: 1500, ttfb: 40, ttfbWarm: 10 }
    : { warm32: 4000, warm1: 1000, c1: 2000, c32: 8000, ttfb: 200, ttfbWarm: 30 };
  return opts;
}

const t0 = Date.now();
function log(message) {
  const s = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[bench ${s}s] ${message}\n`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  builtPaths(ROOT);
  const watchdog = setTimeout(() => {
    process.stderr.write(`[bench] still running after ${RUN_LIMIT_MS / 60_000} min: giving up\n`);
    stopAll().finally(() => process.exit(1));
  }, RUN_LIMIT_MS);
  watchdog.unref();

  await ensureH2load(log);
  const tmp = mkdtempSync(join(tmpdir(), 'one-api-bench-'));
  log(`work folder ${tmp}`);
  let ok = false;
  try {
    const result = await benchmark(opts, tmp);
    printConsoleTable(result);
    if (opts.write) {
      await writeMarkdown(opts.out, result, ROOT);
      log(`wrote ${opts.out}`);
    }
    ok = true;
  } finally {
    await stopAll();
    if (ok && !opts.keepTmp) rmSync(tmp, { recursive: true, force: true });
    else log(`logs kept in ${tmp}`);
    clearTimeout(watchdog);
  }
}

async function benchmark(opts, tmp) {
  const { n } = opts;
  const facts = await machineFacts(ROOT, await h2loadVersion());

  // Portkey first: npm must not run while we measure.
  const pk = await installPortkey(join(tmp, 'portkey'), log);

  const [fakePort, gwPort, pkPort] = [await freePort(), await freePort(), await freePort()];
  const fake = await startFake(ROOT, fakePort, tmp);
  const gateway = await startGateway(ROOT, gwPort, tmp, { nodeArgs: opts.gatewayNodeArgs });
  const pkUrl = `http://127.0.0.1:${pkPort}`;
  const portkey = startProcess(
    'portkey',
    process.execPath,
    ['--require', pk.preload, pk.entry, `--port=${pkPort}`, '--headless'],
    { cwd: join(tmp, 'portkey'), env: serverEnv(), logFile: join(tmp, 'portkey.log') },
  );
  await waitUntil('Portkey', () => httpAlive(`${pkUrl}/`), { proc: portkey, timeoutMs: 60_000 });
  assertLoopbackOnly([fakePort, gwPort, pkPort]);
  log(
    `fake pid ${fake.pid} :${fakePort}, gateway pid ${gateway.pid} :${gwPort}, Portkey pid ${portkey.pid} :${pkPort}`,
  );

  const fakeUrl = fake.url;
  const { api, key } = await setupGateway(gateway.url, fakeUrl, opts.slowMs);
  const logsAtStart = await logTotal(api);
  const { body, streamBody } = chatBodies();
  const bodyFile = join(tmp, 'chat.json');
  writeFileSync(bodyFile, body);

  const targets = {
    direct: {
      label: 'direct',
      proc: fake,
      url: `${fakeUrl}/v1/chat/completions`,
      headers: bearer(UPSTREAM_KEY),
    },
    gateway: {
      label: 'one-api-ts',
      proc: gateway,
      url: `${gateway.url}/v1/chat/completions`,
      headers: bearer(key),
    },
    portkey: {
      label: `Portkey ${PORTKEY.gateway}`,
      proc: portkey,
      url: `${pkUrl}/v1/chat/completions`,
      headers: portkeyHeaders(`${fakeUrl}/v1`, UPSTREAM_KEY),
    },
  };
  let gatewayRequests = 0;
  const countGateway = (t, count) => {
    if (t === 'gateway') gatewayRequests += count;
  };

  const mem = { gateway: {}, portkey: {} };
  for (const t of ['gateway', 'portkey']) mem[t].boot = memoryMiB(targets[t].proc.pid).rss;

  const foreign = new ForeignLoad(() => [fake.pid, gateway.pid, portkey.pid]);
  const foreignSamples = [];
  const foreignByStep = [];
  const noise = () => `   (other work: ${foreignByStep.at(-1).cores.toFixed(2)} cores)`;
  /**
   * Runs one measured step after waiting for a quiet machine; when other work still took more than
   * NOISY_CORES during it, measures again (at most twice more) and keeps the quietest attempt.
   */
  const measured = async (label, fn) => {
    let best;
    for (let attempt = 1; attempt <= 3; attempt++) {
      await waitForQuiet(foreign, opts.waitQuiet / 3, 1000);
      const a = foreign.snapshot();
      const value = await fn();
      const cores = ForeignLoad.cores(a, foreign.snapshot());
      if (!best || cores < best.cores) best = { value, cores };
      if (cores < NOISY_CORES || waitBudgetMs <= 0) break;
      if (attempt < 3) log(`  ${label}: ${cores.toFixed(2)} cores of other work meanwhile, measuring again`);
    }
    foreignSamples.push(best.cores);
    foreignByStep.push({ label, cores: best.cores });
    return best.value;
  };

  // One request each first: a wrong setup must fail loudly, with the answer it got.
  for (const t of TARGETS) {
    const tg = targets[t];
    for (const payload of [body, streamBody]) {
      const r = await fetch(tg.url, {
        method: 'POST',
        headers: { ...tg.headers, 'content-type': 'application/json' },
        body: payload,
      });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`${tg.label}: HTTP ${r.status} ${text.slice(0, 300)}`);
      countGateway(t, 1);
    }
  }

  // Warm-up: JIT, connection pools, caches. Not measured.
  log('warm-up');
  const agents = {};
  for (const t of TARGETS) {
    const tg = targets[t];
    for (const [clients, requests] of [
      [32, n.warm32],
      [1, n.warm1],
    ]) {
      const r = await runH2load({ url: tg.url, headers: tg.headers, bodyFile, clients, requests });
      assertClean(`warm-up ${tg.label} c=${clients}`, r);
      countGateway(t, r.succeeded);
    }
    agents[t] = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < n.ttfbWarm; i++) {
      await timeStream({ url: tg.url, headers: tg.headers, body: streamBody, agent: agents[t] });
      countGateway(t, 1);
    }
  }
  await sleep(2000);
  for (const t of ['gateway', 'portkey']) mem[t].idle = memoryMiB(targets[t].proc.pid).rss;

  waitBudgetMs = opts.waitQuiet * 8 * 1000;
  const quiet = await waitForQuiet(foreign, opts.waitQuiet, 3000);

  const res = Object.fromEntries(
    TARGETS.map((t) => [t, { c1: [], c1Rounds: [], c32: [], ttfb: [], ttfbHeaders: [], ttfbRounds: [] }]),
  );
  for (let round = 0; round < opts.rounds; round++) {
    const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length]);
    log(`round ${round + 1}/${opts.rounds}: order ${order.map((t) => targets[t].label).join(' → ')}`);

    for (const t of order) {
      const tg = targets[t];
      const r = await measured(`c=1 ${tg.label}`, async () => {
        const out = await runH2load({
          url: tg.url,
          headers: tg.headers,
          bodyFile,
          clients: 1,
          requests: n.c1,
          logFile: join(tmp, `c1-${t}-${round}.log`),
        });
        assertClean(`c=1 ${tg.label}`, out);
        countGateway(t, out.succeeded);
        return out;
      });
      for (const d of r.durationsMicros) res[t].c1.push(d);
      const p50 = median(r.durationsMicros);
      res[t].c1Rounds.push(p50);
      log(`  c=1   ${tg.label.padEnd(14)} p50 ${(p50 / 1000).toFixed(3)} ms${noise()}`);
    }

    for (const t of order) {
      const tg = targets[t];
      const { r, cpu } = await measured(`c=32 ${tg.label}`, async () => {
        const cpuBefore = cpuMicros(tg.proc.pid);
        const out = await runH2load({
          url: tg.url,
          headers: tg.headers,
          bodyFile,
          clients: 32,
          requests: n.c32,
        });
        await sleep(300); // batched settlement / log writes land inside the window
        const used = cpuMicros(tg.proc.pid) - cpuBefore;
        assertClean(`c=32 ${tg.label}`, out);
        countGateway(t, out.succeeded);
        return { r: out, cpu: used };
      });
      res[t].c32.push({ reqPerSec: r.reqPerSec, requests: r.succeeded, seconds: r.seconds, cpuMicros: cpu });
      log(
        `  c=32  ${tg.label.padEnd(14)} ${r.reqPerSec.toFixed(0)} req/s, ` +
          `${(cpu / r.succeeded).toFixed(0)} µs CPU/req${noise()}`,
      );
    }

    for (const t of order) {
      const tg = targets[t];
      const samples = await measured(`TTFB ${tg.label}`, async () => {
        const out = [];
        for (let i = 0; i < n.ttfb; i++) {
          out.push(
            await timeStream({ url: tg.url, headers: tg.headers, body: streamBody, agent: agents[t] }),
          );
          countGateway(t, 1);
        }
        return out;
      });
      for (const x of samples) {
        res[t].ttfb.push(x.firstByteMicros);
        res[t].ttfbHeaders.push(x.headersMicros);
      }
      const p50 = median(samples.map((x) => x.firstByteMicros));
      res[t].ttfbRounds.push(p50);
      log(`  TTFB  ${tg.label.padEnd(14)} p50 ${(p50 / 1000).toFixed(3)} ms${noise()}`);
    }
  }
  for (const agent of Object.values(agents)) agent.destroy();

  // Memory with many open streams: the slow fake sleeps before every event, so streams stay open.
  for (const t of ['gateway', 'portkey']) {
    const tg = targets[t];
    const streamTarget =
      t === 'gateway'
        ? {
            url: tg.url,
            headers: tg.headers,
            body: JSON.stringify({ ...JSON.parse(streamBody), model: SLOW_MODEL }),
          }
        : {
            url: tg.url,
            headers: portkeyHeaders(`${fakeUrl}/_fault/slow:${opts.slowMs}/v1`, UPSTREAM_KEY),
            body: streamBody,
          };
    log(`${opts.streams} open streams through ${tg.label}`);
    const open = await openStreams({ ...streamTarget, count: opts.streams, timeoutMs: 30_000 });
    let rss = 0;
    for (let i = 0; i < 8; i++) {
      rss = Math.max(rss, memoryMiB(tg.proc.pid).rss);
      await sleep(150);
    }
    const { opened, failed, ended, errors } = open.state;
    open.close();
    countGateway(t, opened);
    mem[t].streams = { rss, opened, failed, endedEarly: ended, errors: Object.fromEntries(errors) };
    log(`  ${opened} open (${failed} failed, ${ended} ended early): RSS ${rss.toFixed(1)} MiB`);
    await sleep(2000);
  }
  await sleep(2000);
  for (const t of ['gateway', 'portkey']) {
    const m = memoryMiB(targets[t].proc.pid);
    mem[t].after = m.rss;
    mem[t].peak = m.peak;
  }

  // Every request through the gateway must have been settled once, with one log row.
  const logs = await waitForLogs(api, logsAtStart + gatewayRequests);
  const settlement = { expected: gatewayRequests, logged: logs - logsAtStart };

  for (const p of [gateway, portkey, fake]) await stopProcess(p);
  return summarize({
    opts,
    facts,
    quiet,
    foreignSamples,
    foreignByStep,
    res,
    mem,
    settlement,
    portkey: pk.installed,
    labels: Object.fromEntries(TARGETS.map((t) => [t, targets[t].label])),
    requestBody: body,
  });
}

function bearer(key) {
  return { authorization: `Bearer ${key}` };
}

async function logTotal(api) {
  const page = await fetchJson(api, '/api/log/?p=0&size=1');
  return page.total ?? 0;
}

async function fetchJson(api, path) {
  const res = await fetch(api.baseUrl + path, { headers: { cookie: api.cookie } });
  return res.json();
}

async function waitForLogs(api, expected) {
  let last = -1;
  let stableSince = Date.now();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const total = await logTotal(api);
    if (total >= expected) return total;
    if (total !== last) {
      last = total;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 3000) break;
    await sleep(250);
  }
  return logTotal(api);
}

/** Reads /proc/net/tcp{,6}: every port of ours must listen on 127.0.0.1 only. */
function assertLoopbackOnly(ports) {
  const listening = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] !== '0A') continue; // LISTEN
      const [addr, port] = cols[1].split(':');
      listening.push({ addr, port: parseInt(port, 16) });
    }
  }
  for (const port of ports) {
    const binds = listening.filter((l) => l.port === port);
    if (!binds.length) throw new Error(`nothing listens on port ${port}`);
    const notLoopback = binds.filter((l) => l.addr !== '0100007F');
    if (notLoopback.length)
      throw new Error(`port ${port} is bound beyond 127.0.0.1 (${notLoopback[0].addr})`);
  }
}

/**
 * Waits (up to `maxSeconds`) until less than `QUIET_CORES` of a core is busy with work that is not ours,
 * sampling every `sampleMs`. Other jobs on a shared machine would otherwise land inside one column only.
 */
let waitBudgetMs; // all waiting for quiet together, so a machine that never calms down still gets measured

async function waitForQuiet(foreign, maxSeconds, sampleMs, { verbose = true } = {}) {
  const started = Date.now();
  const deadline = started + Math.min(maxSeconds * 1000, waitBudgetMs);
  let cores;
  let said = false;
  for (;;) {
    const a = foreign.snapshot();
    await sleep(sampleMs);
    cores = ForeignLoad.cores(a, foreign.snapshot());
    if (cores < QUIET_CORES || Date.now() >= deadline) break;
    if (verbose && !said)
      log(
        `  machine busy with other work (${cores.toFixed(2)} cores): waiting up to ` +
          `${Math.round((deadline - started) / 1000)} s`,
      );
    said = true;
  }
  waitBudgetMs = Math.max(0, waitBudgetMs - (Date.now() - started));
  return { cores, quiet: cores < QUIET_CORES };
}

main().catch(async (error) => {
  process.stderr.write(`[bench] failed: ${error.stack ?? error}\n`);
  await stopAll();
  process.exit(1);
});
