'use strict';
// Loaded with `node --require` into a server under test by tools/bench/profile.mjs. Over the IPC channel the
// harness says `{ benchProfile: 'start' }` and `{ benchProfile: 'stop', file }`: a V8 CPU profile of exactly the
// measured window (boot and shutdown left out) is written to `file`. `{ benchProfile: 'memory', gc }` answers
// with process.memoryUsage() (after a full GC when `gc`), V8 heap spaces and the loaded modules per package.
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const v8 = require('node:v8');

function modulesByPackage() {
  const counts = {};
  for (const file of Object.keys(require.cache)) {
    const at = file.lastIndexOf('/node_modules/');
    let name = '(app)';
    if (at >= 0) {
      const parts = file.slice(at + 14).split('/');
      name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    }
    counts[name] = (counts[name] || 0) + 1;
  }
  return counts;
}

// With BENCH_SQL_TIMING=1: time every better-sqlite3 statement (run/all/get), summed by SQL text.
const sqlStats = new Map();
const entries = new WeakMap(); // statement -> its sqlStats entry, so the key is built once per statement
if (process.env.BENCH_SQL_TIMING === '1') {
  try {
    const Database = require('better-sqlite3');
    const prepare = Database.prototype.prepare;
    let patched = false;
    Database.prototype.prepare = function (...args) {
      const stmt = prepare.apply(this, args);
      if (!patched) {
        patched = true;
        const proto = Object.getPrototypeOf(stmt);
        for (const method of ['run', 'all', 'get']) {
          const original = proto[method];
          proto[method] = function (...params) {
            const t0 = process.hrtime.bigint();
            try {
              return original.apply(this, params);
            } finally {
              const micros = Number(process.hrtime.bigint() - t0) / 1000;
              let entry = entries.get(this);
              if (entry === undefined) {
                const key = `${method} ${this.source
                  .replace(/\s+/g, ' ')
                  .replace(/\([^()]*\)(, *\([^()]*\))+/g, '(…), …')
                  .slice(0, 120)}`;
                entry = sqlStats.get(key) ?? { calls: 0, micros: 0 };
                sqlStats.set(key, entry);
                entries.set(this, entry);
              }
              entry.calls++;
              entry.micros += micros;
            }
          };
        }
      }
      return stmt;
    };
  } catch {
    /* no better-sqlite3 here */
  }
}

if (typeof process.send === 'function') {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params = {}) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
    );
  process.on('message', async (msg) => {
    if (!msg || typeof msg.benchProfile !== 'string') return;
    try {
      if (msg.benchProfile === 'start') {
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: msg.intervalMicros || 200 });
        await post('Profiler.start');
      } else if (msg.benchProfile === 'stop') {
        const { profile } = await post('Profiler.stop');
        writeFileSync(msg.file, JSON.stringify(profile));
      }
      let data;
      if (msg.benchProfile === 'sql') {
        data = [...sqlStats.entries()].filter(([, x]) => x.calls > 0).map(([sql, x]) => ({ sql, ...x }));
        if (msg.reset) for (const entry of sqlStats.values()) Object.assign(entry, { calls: 0, micros: 0 });
      }
      if (msg.benchProfile === 'memory') {
        if (msg.gc) await post('HeapProfiler.collectGarbage');
        data = {
          usage: process.memoryUsage(),
          spaces: v8
            .getHeapSpaceStatistics()
            .map((x) => ({ name: x.space_name, used: x.space_used_size, size: x.space_size })),
          code: v8.getHeapCodeStatistics(),
          modules: modulesByPackage(),
        };
      }
      process.send({ benchProfile: msg.benchProfile, ok: true, data });
    } catch (error) {
      process.send({ benchProfile: msg.benchProfile, ok: false, error: String(error) });
    }
  });
  process.channel?.unref();
}
