// Turns raw measurements into the summary, the console table and docs/benchmarks.md.
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './processes.mjs';
import { median, percentile, sortedCopy, sum } from './stats.mjs';

/** Hand-written analysis and profile.mjs output live between these markers and survive every run. */
function keptSection(previous, name) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = previous.indexOf(start);
  const b = previous.indexOf(end);
  return a >= 0 && b > a ? previous.slice(a, b + end.length) : `${start}\n${end}`;
}

export async function machineFacts(root, h2load) {
  const git = async (...args) =>
    (await runCommand('git', args, { cwd: root, timeoutMs: 10_000 })).stdout.trim();
  const dirty = (await git('status', '--porcelain', '--', 'apps', 'libs')).split('\n').filter(Boolean).length;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memGiB: totalmem() / 2 ** 30,
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
    node: process.version,
    h2load,
    commit: await git('rev-parse', '--short', 'HEAD'),
    dirtyFiles: dirty,
  };
}

const ms = (micros) => micros / 1000;

export function summarize({
  opts,
  facts,
  quiet,
  foreignSamples,
  foreignByStep,
  res,
  mem,
  settlement,
  portkey,
  labels,
  requestBody,
}) {
  const per = {};
  for (const [t, r] of Object.entries(res)) {
    const c1 = sortedCopy(r.c1);
    const ttfb = sortedCopy(r.ttfb);
    const ttfbHeaders = sortedCopy(r.ttfbHeaders);
    per[t] = {
      c1p50: ms(percentile(c1, 50)),
      c1p99: ms(percentile(c1, 99)),
      c1Samples: c1.length,
      c1Rounds: r.c1Rounds.map(ms),
      rps: median(r.c32.map((x) => x.reqPerSec)),
      rpsRounds: r.c32.map((x) => x.reqPerSec),
      cpuPerReq: sum(r.c32.map((x) => x.cpuMicros)) / sum(r.c32.map((x) => x.requests)),
      cpuRounds: r.c32.map((x) => x.cpuMicros / x.requests),
      c32Requests: sum(r.c32.map((x) => x.requests)),
      ttfbP50: ms(percentile(ttfb, 50)),
      ttfbP99: ms(percentile(ttfb, 99)),
      ttfbHeadersP50: ms(percentile(ttfbHeaders, 50)),
      ttfbSamples: ttfb.length,
      ttfbRounds: r.ttfbRounds.map(ms),
    };
  }
  const d = per.direct;
  const g = per.gateway;
  const p = per.portkey;
  const overhead = {
    gateway: { p50: g.c1p50 - d.c1p50, p99: g.c1p99 - d.c1p99, ttfb: g.ttfbP50 - d.ttfbP50 },
    portkey: { p50: p.c1p50 - d.c1p50, p99: p.c1p99 - d.c1p99, ttfb: p.ttfbP50 - d.ttfbP50 },
  };
  const ratio = g.rps / p.rps;
  const targets = [
    {
      name: 'Gateway overhead at c=1, p50',
      goal: '≤ 0.3 ms',
      measured: `${fmt(overhead.gateway.p50, 3)} ms (p99: ${fmt(overhead.gateway.p99, 3)} ms)`,
      met: overhead.gateway.p50 <= 0.3,
    },
    {
      name: 'Throughput at c=32 vs Portkey',
      goal: '≥ 2× Portkey',
      measured: `${fmt(ratio, 2)}× (${fmt(g.rps, 0)} vs ${fmt(p.rps, 0)} req/s)`,
      met: ratio >= 2,
    },
    {
      name: 'Gateway CPU per request at c=32',
      goal: '≤ 250 µs',
      measured: `${fmt(g.cpuPerReq, 0)} µs (Portkey: ${fmt(p.cpuPerReq, 0)} µs)`,
      met: g.cpuPerReq <= 250,
    },
    {
      name: 'Stream TTFB overhead, p50',
      goal: '≤ 1 ms',
      measured: `${fmt(overhead.gateway.ttfb, 3)} ms`,
      met: overhead.gateway.ttfb <= 1,
    },
    {
      name: 'RSS idle (after warm-up)',
      goal: '≤ 120 MiB',
      measured: `${fmt(mem.gateway.idle, 1)} MiB (after boot: ${fmt(mem.gateway.boot, 1)} MiB)`,
      met: mem.gateway.idle <= 120,
    },
    {
      name: `RSS with ${opts.streams.toLocaleString('en-US')} open streams`,
      goal: '≤ 300 MiB',
      measured:
        `${fmt(mem.gateway.streams.rss, 1)} MiB (${mem.gateway.streams.opened} streams open` +
        `${mem.gateway.streams.failed ? `, ${mem.gateway.streams.failed} failed` : ''})`,
      met: mem.gateway.streams.rss <= 300 && mem.gateway.streams.opened === opts.streams,
    },
  ];
  const foreign = {
    mean: foreignSamples.length ? sum(foreignSamples) / foreignSamples.length : 0,
    max: foreignSamples.length ? Math.max(...foreignSamples) : 0,
    noisy: foreignByStep.filter((x) => x.cores >= 0.5).map((x) => `${x.label} (${fmt(x.cores, 2)})`),
    steps: foreignByStep.length,
  };
  return {
    opts,
    facts,
    quiet,
    foreign,
    per,
    overhead,
    ratio,
    targets,
    mem,
    settlement,
    portkey,
    labels,
    requestBody,
  };
}

function fmt(x, digits) {
  if (x === undefined || Number.isNaN(x)) return 'n/a';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The main table: one row per metric, one column per way of calling the fake. */
function mainRows(s) {
  const { per, overhead, mem, labels } = s;
  const dash = '—';
  const memCell = (t, v) => (mem[t] && v(mem[t]) !== undefined ? fmt(v(mem[t]), 1) : dash);
  return [
    ['Metric', labels.direct, labels.gateway, labels.portkey],
    ['c=1 latency p50 (ms)', fmt(per.direct.c1p50, 3), fmt(per.gateway.c1p50, 3), fmt(per.portkey.c1p50, 3)],
    ['c=1 latency p99 (ms)', fmt(per.direct.c1p99, 3), fmt(per.gateway.c1p99, 3), fmt(per.portkey.c1p99, 3)],
    ['c=1 overhead vs direct, p50 (ms)', dash, fmt(overhead.gateway.p50, 3), fmt(overhead.portkey.p50, 3)],
    ['c=1 overhead vs direct, p99 (ms)', dash, fmt(overhead.gateway.p99, 3), fmt(overhead.portkey.p99, 3)],
    [
      'c=32 throughput (req/s, median of rounds)',
      fmt(per.direct.rps, 0),
      fmt(per.gateway.rps, 0),
      fmt(per.portkey.rps, 0),
    ],
    [
      'c=32 server CPU per request (µs)',
      `${fmt(per.direct.cpuPerReq, 0)} (the fake)`,
      fmt(per.gateway.cpuPerReq, 0),
      fmt(per.portkey.cpuPerReq, 0),
    ],
    [
      'Stream TTFB p50 (ms)',
      fmt(per.direct.ttfbP50, 3),
      fmt(per.gateway.ttfbP50, 3),
      fmt(per.portkey.ttfbP50, 3),
    ],
    [
      'Stream TTFB p99 (ms)',
      fmt(per.direct.ttfbP99, 3),
      fmt(per.gateway.ttfbP99, 3),
      fmt(per.portkey.ttfbP99, 3),
    ],
    [
      'Stream TTFB overhead vs direct, p50 (ms)',
      dash,
      fmt(overhead.gateway.ttfb, 3),
      fmt(overhead.portkey.ttfb, 3),
    ],
    [
      'Stream time to response headers p50 (ms)',
      fmt(per.direct.ttfbHeadersP50, 3),
      fmt(per.gateway.ttfbHeadersP50, 3),
      fmt(per.portkey.ttfbHeadersP50, 3),
    ],
    ['RSS after boot (MiB)', dash, memCell('gateway', (m) => m.boot), memCell('portkey', (m) => m.boot)],
    [
      'RSS idle after warm-up (MiB)',
      dash,
      memCell('gateway', (m) => m.idle),
      memCell('portkey', (m) => m.idle),
    ],
    [
      `RSS with ${s.opts.streams.toLocaleString('en-US')} open streams (MiB)`,
      dash,
      memCell('gateway', (m) => m.streams?.rss),
      memCell('portkey', (m) => m.streams?.rss),
    ],
    [
      'Peak RSS over the run (MiB)',
      dash,
      memCell('gateway', (m) => m.peak),
      memCell('portkey', (m) => m.peak),
    ],
  ];
}

function roundRows(s) {
  const { per, labels } = s;
  const rows = [['Per round', labels.direct, labels.gateway, labels.portkey]];
  const rounds = per.direct.rpsRounds.length;
  for (let i = 0; i < rounds; i++) {
    rows.push([
      `round ${i + 1}: c=1 p50 (ms)`,
      ...['direct', 'gateway', 'portkey'].map((t) => fmt(per[t].c1Rounds[i], 3)),
    ]);
    rows.push([
      `round ${i + 1}: c=32 req/s`,
      ...['direct', 'gateway', 'portkey'].map((t) => fmt(per[t].rpsRounds[i], 0)),
    ]);
    rows.push([
      `round ${i + 1}: c=32 CPU µs/req`,
      ...['direct', 'gateway', 'portkey'].map((t) => fmt(per[t].cpuRounds[i], 0)),
    ]);
    rows.push([
      `round ${i + 1}: TTFB p50 (ms)`,
      ...['direct', 'gateway', 'portkey'].map((t) => fmt(per[t].ttfbRounds[i], 3)),
    ]);
  }
  return rows;
}

function textTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) =>
    r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c])));
  const out = [line(rows[0]).join('  '), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r).join('  '));
  return out.join('\n');
}

function mdTable(rows, align = 'lrrr') {
  const sep = rows[0].map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [rows[0], sep, ...rows.slice(1)].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function printConsoleTable(s) {
  const out = [
    '',
    textTable(mainRows(s)),
    '',
    textTable(roundRows(s)),
    '',
    textTable([
      ['Target', 'Goal', 'Measured', 'Result'],
      ...s.targets.map((t) => [t.name, t.goal, t.measured, t.met ? 'met' : 'MISSED']),
    ]),
    '',
    `Settlement: ${s.settlement.logged} log rows for ${s.settlement.expected} requests through the gateway.`,
    `Other CPU load during measurements: mean ${fmt(s.foreign.mean, 2)}, max ${fmt(s.foreign.max, 2)} cores; ` +
      `${s.foreign.noisy.length} of ${s.foreign.steps} steps above 0.5 cores.`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

export async function writeMarkdown(file, s, root) {
  const { facts, opts, per } = s;
  const n = opts.n;
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const profile = keptSection(previous, 'profile');
  const notes = keptSection(previous, 'notes');
  const met = s.targets.filter((t) => t.met).length;
  const cmd = `npm run build && npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const md = `# Benchmarks

Generated by \`tools/bench/run.mjs\`; do not edit by hand, except the "Analysis" section (kept across runs, dated)
and the "Profile" section (written by \`tools/bench/profile.mjs\`, kept across runs).

\`\`\`sh
${cmd}
\`\`\`

One run calls the same fake OpenAI upstream (\`libs/llm/testing\`, \`--zero-latency\`: answers at once, records
nothing) three ways, side by side: **direct**, through **this gateway** (\`apps/api\`, SQLite, key auth, quota hold,
settlement and consume logs all on, rate limiting on with its limits raised to 10⁹ requests per 3 minutes,
\`RetryTimes\` 0, \`NODE_ENV=production\`, \`LOG_LEVEL=warn\` so no access-log line per request), and through the **Portkey gateway** as the reference.
The three run at the same time on this machine and are measured in turns: ${opts.rounds} round(s), the order of the
three rotating every round (round 1: direct → gateway → Portkey, round 2: gateway → Portkey → direct, …). Load comes
from h2load (native, one thread, HTTP/1.1 keep-alive), never from Node.

## Machine

| Fact | Value |
| --- | --- |
| Date | ${facts.date} |
| CPU | ${facts.nproc} × ${facts.cpu} (\`nproc\` = ${facts.nproc}) |
| Memory | ${fmt(facts.memGiB, 1)} GiB |
| Kernel | ${facts.kernel} |
| Node | ${facts.node} |
| Load generator | ${facts.h2load} |${opts.gatewayNodeArgs.length ? `\n| Gateway Node flags | \`${opts.gatewayNodeArgs.join(' ')}\` |` : ''}
| Commit | ${facts.commit}${facts.dirtyFiles ? ` (+ ${facts.dirtyFiles} uncommitted paths under apps/ and libs/)` : ''} |
| Other CPU load while measuring | mean ${fmt(s.foreign.mean, 2)}, max ${fmt(s.foreign.max, 2)} cores (work not from the benchmark's processes; before the rounds: ${fmt(s.quiet.cores, 2)} cores); ${s.foreign.noisy.length} of ${s.foreign.steps} measured steps above 0.5 cores |

${
  s.foreign.noisy.length
    ? `Steps measured while other work still took 0.5 cores or more (after up to 3 tries): ${s.foreign.noisy.join(', ')}.\n`
    : ''
}
## Results

${mdTable(mainRows(s))}

Overheads are differences of percentiles (gateway p50 − direct p50), not percentiles of differences.

${mdTable(roundRows(s))}

## Targets (issue 3): ${met} of ${s.targets.length} met

${mdTable([['Target', 'Goal', 'Measured', 'Result'], ...s.targets.map((t) => [t.name, t.goal, t.measured, t.met ? '**met**' : '**missed**'])], 'lllc')}

Settlement check: ${s.settlement.logged} consume-log rows for ${s.settlement.expected} requests sent through the gateway
(warm-up, rounds, TTFB samples and the open streams, which are dropped by the client after their first byte)${
    s.settlement.logged === s.settlement.expected ? ': one each.' : ': **they differ**.'
  }

## What each number is

- **c=1 latency**: h2load, 1 connection, ${n.c1.toLocaleString('en-US')} non-stream \`POST /v1/chat/completions\` per
  target per round (${per.direct.c1Samples.toLocaleString('en-US')} samples per target in all); p50/p99 over every
  request of every round, from h2load's per-request log. Body: \`${s.requestBody}\`.
- **c=32 throughput**: h2load, 32 connections, ${n.c32.toLocaleString('en-US')} requests per target per round; the
  median of the rounds' req/s.
- **Server CPU per request**: utime + stime of the server process (\`/proc/<pid>/stat\`) read before and 300 ms after
  each c=32 run (so batched settlement and log writes are inside the window), divided by the requests served. The
  gateway's and Portkey's own process only; the upstream fake is not counted (for "direct" it is the fake's).
- **Stream TTFB**: a raw \`node:http\` client on one keep-alive connection sends ${n.ttfb} sequential \`stream: true\`
  requests per target per round and times the first body byte (p50/p99 over all rounds). The gateway forces
  \`stream_options.include_usage\` upstream and reads usage from the stream.
- **RSS**: \`VmRSS\` from \`/proc/<pid>/status\` after boot and setup, 2 s after warm-up (idle), and the highest value
  seen while ${opts.streams.toLocaleString('en-US')} streamed requests are open at once (each on its own connection,
  against a channel whose base URL is the fake's \`/_fault/slow:${opts.slowMs}\`, so ${opts.slowMs} ms pass before
  every event). Peak is \`VmHWM\` at the end.
- Warm-up before the rounds, per target: ${n.warm32.toLocaleString('en-US')} requests at c=32,
  ${n.warm1.toLocaleString('en-US')} at c=1, ${n.ttfbWarm} streams.

## How Portkey was configured

- \`@portkey-ai/gateway@${s.portkey.gateway}\` with \`@hono/node-server@${s.portkey.nodeServer}\` and
  \`hono@${s.portkey.hono}\` (1.15.2 streams only with these two pinned), installed at bench time into a throwaway
  folder with \`npm install --ignore-scripts\` and npm \`overrides\` so the pins win — never into the workspace.
- Started as \`NODE_ENV=production node --require loopback-preload.cjs build/start-server.js --port=N --headless\`.
  Its server calls \`serve({ fetch, port })\` with no hostname and so binds every interface; the preload rewrites
  \`listen()\` calls that name no host to 127.0.0.1 (the harness checks \`/proc/net/tcp\` that every port it started is
  bound to 127.0.0.1 only).
- Requests carry \`x-portkey-provider: openai\`, \`x-portkey-custom-host: http://127.0.0.1:<fake>/v1\` and the
  upstream key as \`Authorization\`: no config object, no cache, no retries, no guardrails — its lightest path.
- **Portkey waits 25 ms before its first streamed chunk, by design**: its SSE reader sleeps
  \`setTimeout(…, 25)\` before yielding the first event of a stream. That delay is inside its TTFB above
  (${fmt(per.portkey.ttfbP50, 3)} ms p50, so about ${fmt(per.portkey.ttfbP50 - 25, 3)} ms without it); nothing
  was patched to hide it.

## Caveats

- All processes (fake, gateway, Portkey, h2load) share the ${facts.nproc} cores; the fake and h2load take their part
  in every column alike. The machine is shared with other work: before the rounds and before every step the harness
  waits for less than 0.3 of a core of other work (up to ${opts.waitQuiet} s, a third of that per step, ${opts.waitQuiet * 8} s in all), and a step
  during which other work still took 0.5 cores or more is measured again (up to 3 tries, the quietest kept). Rounds
  and rotation spread out what noise remains; the "other CPU load" row says how quiet it was. Kernel network work
  not charged to a process counts as "other", so even a quiet run shows a little.
- Targets are measured by this harness only, never by timed tests.

## Analysis

${notes}

## Profile

${profile}
`;
  writeFileSync(file, md);
  const prettier = join(root, 'node_modules/.bin/prettier');
  if (existsSync(prettier)) await runCommand(prettier, ['--write', file], { cwd: root, timeoutMs: 60_000 });
}
