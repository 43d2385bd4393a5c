#!/usr/bin/env node
// Memory over time: does the gateway's resident memory grow with traffic? Run on demand (never as a timed test):
//   npm run build && node tools/bench/soak.mjs [--minutes=10] [--concurrency=16] [--streams=1000] [--stream-rounds=3]
//                                              [--sample-seconds=5] [--slow-ms=50] [--json=FILE]
// 1. Long streams: `--stream-rounds` times, `--streams` streams are held open at once through the gateway (the slow
//    fake sleeps before every event), then dropped; RSS is read while they are open and after they are gone.
// 2. Soak: `--concurrency` lanes send chat completions (every other one streamed) for `--minutes`; RSS is sampled
//    every `--sample-seconds`. After a warm-up (the first fifth) a least-squares line through the samples gives the
//    trend in MiB per minute and how well a line explains them (R²): a leak is a steady slope with a high R².
// Reported, not asserted: the machine is shared and the numbers are for people to read (docs/reliability.md).
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStreams } from './lib/http.mjs';
import { freePort, sleep, stopAll } from './lib/processes.mjs';
import { memoryMiB } from './lib/proc-stats.mjs';
import { chatBodies, FAST_MODEL, setupGateway, SLOW_MODEL, startFake, startGateway } from './lib/servers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

function parseArgs(argv) {
  const opts = {
    minutes: 10,
    concurrency: 16,
    streams: 1000,
    streamRounds: 3,
    sampleSeconds: 5,
    slowMs: 50,
    json: '',
  };
  for (const arg of argv) {
    const [k, v] = arg.split('=');
    const key = k.replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in opts)) throw new Error(`unknown option ${k}`);
    opts[key] = key === 'json' ? v : Number(v);
  }
  return opts;
}

/** Least-squares line through (x, y): slope and R². */
export function trend(points) {
  const n = points.length;
  if (n < 3) return { slope: 0, r2: 0 };
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
    syy += (p.y - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const r2 = sxx === 0 || syy === 0 ? 0 : (sxy * sxy) / (sxx * syy);
  return { slope, r2 };
}

function post(agent, url, key, body) {
  return new Promise((resolve) => {
    const u = new URL(`${url}/v1/chat/completions`);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', () => resolve(false));
      },
    );
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), 'oneapi-soak-'));
  try {
    const fake = await startFake(root, await freePort(), tmp);
    const gateway = await startGateway(root, await freePort(), tmp);
    const { key } = await setupGateway(gateway.url, fake.url, opts.slowMs);
    const rss = () => memoryMiB(gateway.pid).rss;
    const result = { opts, boot: rss(), streams: [], soak: {} };
    console.log(`gateway RSS after setup: ${result.boot.toFixed(1)} MiB`);

    // 1. Long streams, several rounds.
    const { streamBody } = chatBodies(SLOW_MODEL);
    for (let round = 1; round <= opts.streamRounds; round++) {
      const open = await openStreams({
        url: `${gateway.url}/v1/chat/completions`,
        headers: { authorization: `Bearer ${key}` },
        body: streamBody,
        count: opts.streams,
        timeoutMs: 60_000,
      });
      let during = 0;
      for (let i = 0; i < 10; i++) {
        during = Math.max(during, rss());
        await sleep(200);
      }
      const { opened, failed } = open.state;
      open.close();
      await sleep(3000);
      const after = rss();
      result.streams.push({ round, opened, failed, rssOpen: during, rssAfter: after });
      console.log(
        `streams round ${round}: ${opened} open (${failed} failed), RSS ${during.toFixed(1)} MiB open, ${after.toFixed(1)} MiB after`,
      );
    }

    // 2. Soak at steady load.
    const { body, streamBody: fastStream } = chatBodies(FAST_MODEL);
    const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
    const deadline = Date.now() + opts.minutes * 60_000;
    const started = Date.now();
    const samples = [];
    let requests = 0;
    let failures = 0;
    const sampler = setInterval(
      () => samples.push({ x: (Date.now() - started) / 60_000, y: rss() }),
      opts.sampleSeconds * 1000,
    );
    await Promise.all(
      Array.from({ length: opts.concurrency }, async (_, lane) => {
        for (let i = 0; Date.now() < deadline; i++) {
          const ok = await post(agent, gateway.url, key, (i + lane) % 2 ? fastStream : body);
          requests++;
          if (!ok) failures++;
        }
      }),
    );
    clearInterval(sampler);
    agent.destroy();
    const steady = samples.slice(Math.floor(samples.length / 5));
    const { slope, r2 } = trend(steady);
    const ys = steady.map((s) => s.y);
    result.soak = {
      minutes: opts.minutes,
      requests,
      failures,
      samples: samples.length,
      rssFirst: ys[0],
      rssLast: ys.at(-1),
      rssMin: Math.min(...ys),
      rssMax: Math.max(...ys),
      slopeMiBPerMin: slope,
      r2,
    };
    console.log(
      `soak: ${requests} requests (${failures} failed) in ${opts.minutes} min; RSS ${Math.min(...ys).toFixed(1)}–${Math.max(...ys).toFixed(1)} MiB after warm-up, trend ${slope.toFixed(3)} MiB/min (R² ${r2.toFixed(2)})`,
    );
    if (opts.json) writeFileSync(opts.json, JSON.stringify({ ...result, samples }, null, 2));
  } finally {
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch(async (error) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
