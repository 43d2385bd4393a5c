#!/usr/bin/env node
// Where the gateway's CPU goes on the benchmark's path: runs the gateway against the zero-latency fake with a
// V8 CPU profiler attached (started and stopped over IPC, so boot and shutdown stay out), drives it with h2load
// at c=32 — non-stream, then stream — and prints the hot functions. Also writes the "Profile" section of
// docs/benchmarks.md (kept there by `npm run bench`).
//
//   npm run build && node tools/bench/profile.mjs [--requests=20000] [--stream-requests=8000] [--no-write]
//                                                  [--keep-tmp] [--interval-us=200]
//   node tools/bench/profile.mjs --analyze=FILE.cpuprofile [--callers=functionName] [--depth=3]
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeProfile } from './lib/cpu-profile.mjs';
import { assertClean, ensureH2load, runH2load } from './lib/h2load.mjs';
import { cpuMicros } from './lib/proc-stats.mjs';
import { freePort, runCommand, sleep, stopAll, stopProcess } from './lib/processes.mjs';
import { builtPaths, chatBodies, setupGateway, startFake, startGateway } from './lib/servers.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PRELOAD = join(dirname(fileURLToPath(import.meta.url)), 'lib/cpu-profile-preload.cjs');
const DOC = join(ROOT, 'docs/benchmarks.md');
const PROFILE_START = '<!-- profile:start -->';
const PROFILE_END = '<!-- profile:end -->';

function parseArgs(argv) {
  const opts = {
    requests: 20000,
    streamRequests: 8000,
    write: true,
    keepTmp: false,
    intervalMicros: 200,
    analyze: undefined,
    callers: undefined,
    depth: 3,
    nodeArgs: [],
  };
  for (const arg of argv) {
    const [k, v] = arg.split(/=(.*)/s, 2);
    if (k === '--requests') opts.requests = Number(v);
    else if (k === '--stream-requests') opts.streamRequests = Number(v);
    else if (k === '--no-write') opts.write = false;
    else if (k === '--keep-tmp') opts.keepTmp = true;
    else if (k === '--interval-us') opts.intervalMicros = Number(v);
    else if (k === '--analyze') opts.analyze = resolve(v);
    else if (k === '--callers') opts.callers = v;
    else if (k === '--depth') opts.depth = Number(v);
    else if (k === '--node-args') opts.nodeArgs = v.split(/\s+/).filter(Boolean);
    else throw new Error(`unknown argument ${arg}`);
  }
  return opts;
}

function log(message) {
  process.stdout.write(`[profile] ${message}\n`);
}

/** Sends one command to the preload in the gateway and waits for its answer. */
function ask(proc, message, timeoutMs = 30_000) {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${message.benchProfile}`)), timeoutMs);
    const onMessage = (reply) => {
      if (reply?.benchProfile !== message.benchProfile) return;
      clearTimeout(timer);
      proc.child.off('message', onMessage);
      if (reply.ok) resolvePromise(reply.data);
      else reject(new Error(reply.error));
    };
    proc.child.on('message', onMessage);
    proc.child.send(message);
  });
}

/** Prints an existing profile: the usual tables, or who calls one function. */
function analyzeFile(opts) {
  const a = analyzeProfile(JSON.parse(readFileSync(opts.analyze, 'utf8')), ROOT);
  if (opts.callers) {
    const lines = a.callers(opts.callers, opts.depth).slice(0, 30);
    process.stdout.write(lines.map((x) => `${x.pct.toFixed(2).padStart(6)} %  ${x.key}\n`).join(''));
    return;
  }
  process.stdout.write(render(opts.analyze, { succeeded: 1, reqPerSec: 0 }, 0, a));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.analyze) return analyzeFile(opts);
  builtPaths(ROOT);
  await ensureH2load(log);
  const tmp = mkdtempSync(join(tmpdir(), 'one-api-profile-'));
  let ok = false;
  try {
    const fake = await startFake(ROOT, await freePort(), tmp);
    const gateway = await startGateway(ROOT, await freePort(), tmp, {
      nodeArgs: [...opts.nodeArgs, '--require', PRELOAD],
      ipc: true,
      env: { BENCH_SQL_TIMING: '1' },
    });
    const { key } = await setupGateway(gateway.url, fake.url, 2000);
    const { body, streamBody } = chatBodies();
    writeFileSync(join(tmp, 'chat.json'), body);
    writeFileSync(join(tmp, 'chat-stream.json'), streamBody);
    const load = (file, requests) =>
      runH2load({
        url: `${gateway.url}/v1/chat/completions`,
        headers: { authorization: `Bearer ${key}` },
        bodyFile: join(tmp, file),
        clients: 32,
        requests,
      });
    const memBoot = await ask(gateway, { benchProfile: 'memory', gc: true });
    log('warm-up');
    assertClean('warm-up', await load('chat.json', 4000));
    assertClean('warm-up stream', await load('chat-stream.json', 1000));
    await sleep(1000);
    const memWarm = await ask(gateway, { benchProfile: 'memory', gc: false });
    const memWarmGc = await ask(gateway, { benchProfile: 'memory', gc: true });
    const memorySection = renderMemory({ boot: memBoot, warm: memWarm, warmGc: memWarmGc });
    process.stdout.write(`\n${memorySection}\n`);

    const sections = [];
    for (const [label, file, requests] of [
      ['non-stream, c=32', 'chat.json', opts.requests],
      ['stream, c=32', 'chat-stream.json', opts.streamRequests],
    ]) {
      const out = join(tmp, `${file.replace('.json', '')}.cpuprofile`);
      log(`profiling ${label}: ${requests} requests`);
      await ask(gateway, { benchProfile: 'sql', reset: true });
      await ask(gateway, { benchProfile: 'start', intervalMicros: opts.intervalMicros });
      const cpu0 = cpuMicros(gateway.pid);
      const r = await load(file, requests);
      await sleep(300);
      const cpu = cpuMicros(gateway.pid) - cpu0;
      await ask(gateway, { benchProfile: 'stop', file: out });
      const sql = await ask(gateway, { benchProfile: 'sql', reset: true });
      assertClean(label, r);
      const a = analyzeProfile(JSON.parse(readFileSync(out, 'utf8')), ROOT);
      sections.push(render(label, r, cpu, a, sql));
      process.stdout.write(`\n${sections.at(-1)}\n`);
    }
    await stopProcess(gateway);
    await stopProcess(fake);

    if (opts.write && existsSync(DOC)) {
      const commit = (await runCommand('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT })).stdout.trim();
      const text = readFileSync(DOC, 'utf8');
      const a = text.indexOf(PROFILE_START);
      const b = text.indexOf(PROFILE_END);
      if (a >= 0 && b > a) {
        const section = [
          PROFILE_START,
          '',
          `From \`node tools/bench/profile.mjs\` on ${new Date().toISOString().slice(0, 10)}, commit ${commit}: ` +
            `V8 sampling profiler (${opts.intervalMicros} µs) inside the gateway for the measured window only, ` +
            'h2load at c=32 against the zero-latency fake. Percentages are of busy (non-idle) profiled time; ' +
            'locations are the built `dist` files (same names as the sources).',
          '',
          ...sections,
          memorySection,
          PROFILE_END,
        ].join('\n');
        writeFileSync(DOC, text.slice(0, a) + section + text.slice(b + PROFILE_END.length));
        const prettier = join(ROOT, 'node_modules/.bin/prettier');
        if (existsSync(prettier)) await runCommand(prettier, ['--write', DOC], { cwd: ROOT });
        log(`profile section written to ${DOC}`);
      } else {
        log(`${DOC} has no profile markers: run npm run bench first`);
      }
    }
    ok = true;
  } finally {
    await stopAll();
    if (ok && !opts.keepTmp) rmSync(tmp, { recursive: true, force: true });
    else log(`files kept in ${tmp}`);
  }
}

function render(label, r, cpuMicrosTotal, a, sql = []) {
  const perReq = (micros) => (micros / r.succeeded).toFixed(1);
  const table = (head, rows) =>
    [
      `| ${head.join(' | ')} |`,
      `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
    ].join('\n');
  const fnRows = (list) => list.map((x) => [`\`${x.key}\``, `${x.pct.toFixed(1)} %`, perReq(x.micros)]);
  return [
    `### ${label}`,
    '',
    `${r.succeeded} requests at ${r.reqPerSec.toFixed(0)} req/s (profiler attached); process CPU ` +
      `${(cpuMicrosTotal / r.succeeded).toFixed(0)} µs/request; profiled busy time ${perReq(a.busy)} µs/request, ` +
      `of which garbage collection ${((100 * a.gc) / a.busy).toFixed(1)} %, "(program)" (V8/native outside JS) ` +
      `${((100 * a.program) / a.busy).toFixed(1)} %.`,
    '',
    'Self time by area:',
    '',
    table(
      ['Area', 'Self', 'µs/req'],
      a
        .areas()
        .slice(0, 16)
        .map((x) => [x.key, `${x.pct.toFixed(1)} %`, perReq(x.micros)]),
    ),
    '',
    'Self time by package:',
    '',
    table(
      ['Package', 'Self', 'µs/req'],
      a
        .packages()
        .slice(0, 15)
        .map((x) => [x.key, `${x.pct.toFixed(1)} %`, perReq(x.micros)]),
    ),
    '',
    'Hottest functions (self time):',
    '',
    table(['Function', 'Self', 'µs/req'], fnRows(a.topSelf(25))),
    '',
    'Who incurs the time: every sample charged once, to the innermost function of our code on its stack (so a ' +
      'library call is charged to our caller), else — after an `await` or in a callback — to the package on top:',
    '',
    table(['Charged to', 'Share', 'µs/req'], fnRows(a.topOwners(25))),
    '',
    'Our code, inclusive time (the function and everything it calls synchronously; middleware that calls ' +
      '`next()` includes the rest of the chain):',
    '',
    table(['Function', 'Inclusive', 'µs/req'], fnRows(a.topInclusiveOurs(25))),
    '',
    ...(sql.length
      ? [
          'SQLite statements run in the window (better-sqlite3 `run`/`all`/`get`, wall time on the event loop; ' +
            'multi-row VALUES lists shortened):',
          '',
          table(
            ['Statement', 'Calls per request', 'µs per call', 'µs per request'],
            sql
              .sort((x, y) => y.micros - x.micros)
              .slice(0, 12)
              .map((x) => [
                `\`${x.sql.replace(/`/g, "'")}\``,
                (x.calls / r.succeeded).toFixed(3),
                (x.micros / x.calls).toFixed(1),
                perReq(x.micros),
              ]),
          ),
          `All statements: ${perReq(sql.reduce((t, x) => t + x.micros, 0))} µs per request.`,
          '',
        ]
      : []),
    'Whole stack, inclusive time:',
    '',
    table(['Function', 'Inclusive', 'µs/req'], fnRows(a.topInclusive(30))),
    '',
  ].join('\n');
}

/** Memory of the gateway: where the RSS goes (V8 heap, code, buffers) and which packages are loaded. */
function renderMemory({ boot, warm, warmGc }) {
  const mib = (b) => (b / 2 ** 20).toFixed(1);
  const row = (label, m) => [
    label,
    mib(m.usage.rss),
    mib(m.usage.heapTotal),
    mib(m.usage.heapUsed),
    mib(m.usage.external),
    mib(m.usage.arrayBuffers),
    mib(m.code.code_and_metadata_size + m.code.bytecode_and_metadata_size),
  ];
  const head = [
    'Moment',
    'RSS',
    'V8 heap total',
    'heap used',
    'external',
    'array buffers',
    'code + bytecode',
  ];
  const lines = [
    '### Memory (MiB)',
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`,
    ...[
      row('after boot (after GC)', boot),
      row('after warm-up', warm),
      row('after warm-up, after GC', warmGc),
    ].map((r) => `| ${r.join(' | ')} |`),
    '',
    'Largest V8 heap spaces after warm-up and GC: ' +
      warmGc.spaces
        .sort((a, b) => b.used - a.used)
        .slice(0, 4)
        .map((s) => `${s.name} ${mib(s.used)}`)
        .join(', ') +
      '.',
    '',
    'Modules loaded, by package (top 15): ' +
      Object.entries(warmGc.modules)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') +
      ` — ${Object.values(warmGc.modules).reduce((a, b) => a + b, 0)} in all.`,
    '',
  ];
  return lines.join('\n');
}

main().catch(async (error) => {
  process.stderr.write(`[profile] failed: ${error.stack ?? error}\n`);
  await stopAll();
  process.exit(1);
});
