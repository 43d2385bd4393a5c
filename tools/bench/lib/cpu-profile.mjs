// Reads a V8 .cpuprofile and says where the time went: self time per function, inclusive time per function
// of our own code, self time per package.
import { relative } from 'node:path';

const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

function where(url, root) {
  if (!url) return '';
  let path = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
  if (path.startsWith('/')) {
    const nm = path.lastIndexOf('/node_modules/');
    path = nm >= 0 ? path.slice(nm + 1) : relative(root, path);
  }
  return path;
}

function packageOf(path, name) {
  if (!path) return SPECIAL.has(name) ? name : '(V8 / native builtins)';
  if (path.startsWith('node:')) return `node core (${path.replace(/^node:(internal\/)?/, '').split('/')[0]})`;
  if (path.startsWith('node_modules/')) {
    const parts = path.split('/');
    return parts[1].startsWith('@') ? `${parts[1]}/${parts[2]}` : parts[1];
  }
  if (/^(apps|libs)\//.test(path)) {
    const parts = path.split('/');
    const distAt = parts.indexOf('dist');
    return `ours: ${parts.slice(0, distAt > 0 ? distAt : 3).join('/')}`;
  }
  return path.split('/')[0];
}

const EXPRESS_STACK = new Set(
  (
    'router express body-parser raw-body cookie-parser cookie cookie-signature path-to-regexp on-finished ' +
    'content-type type-is iconv-lite qs depd finalhandler media-typer mime-types bytes send serve-static parseurl ' +
    'statuses http-errors encodeurl vary unpipe ee-first destroy proxy-addr forwarded accepts negotiator fresh ' +
    'range-parser etag setprototypeof safe-buffer inherits toidentifier is-promise once wrappy debug ms ' +
    'side-channel call-bound get-intrinsic'
  ).split(' '),
);
const NEST_STACK = new Set([
  'rxjs',
  '@nestjs/core',
  '@nestjs/common',
  '@nestjs/platform-express',
  'reflect-metadata',
]);
const SQLITE_NATIVE = new Set(['run', 'all', 'get', 'iterate', 'Statement', 'prepare', 'exec', 'pragma']);

/** A coarse area for one frame: where the time goes in words the lead can act on. */
function areaOf(x) {
  if (!x.path) {
    if (SQLITE_NATIVE.has(x.name)) return 'SQLite statements (better-sqlite3, native)';
    if (
      /^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeAsciiString|writeUcs2String)$/.test(x.name)
    )
      return 'socket writes (syscalls)';
    if (x.name === '(garbage collector)') return 'garbage collection';
    if (x.name === '(program)') return '(program): V8/native outside JS';
    return 'other V8 / native builtins';
  }
  if (x.path.startsWith('node:')) {
    if (/^node:(async_hooks|internal\/util)$/.test(x.path))
      return 'node async_hooks / util (AsyncResource.bind, deprecate)';
    return 'node core (http, net, streams, events, timers)';
  }
  if (x.path.startsWith('node_modules/')) {
    const pkg = x.pkg;
    if (pkg === 'typeorm') return 'TypeORM (JS)';
    if (pkg === 'better-sqlite3') return 'SQLite statements (better-sqlite3, native)';
    if (NEST_STACK.has(pkg)) return 'Nest + rxjs';
    if (EXPRESS_STACK.has(pkg)) return 'Express + its middleware packages';
    if (pkg === 'undici') return 'undici (upstream client)';
    if (pkg.startsWith('@opentelemetry/') || /^(pino|sonic-boom|prom-client)$/.test(pkg))
      return 'OpenTelemetry / pino / prom-client';
    return `package ${pkg}`;
  }
  if (x.path.startsWith('tools/')) return 'benchmark instrumentation (tools/bench)';
  return x.pkg; // ours: <project>
}

export function isOurs(path) {
  return /^(apps|libs)\//.test(path);
}

/** Aggregates a profile. Times are in µs; `busy` leaves out idle time. */
export function analyzeProfile(profile, root) {
  const byId = new Map();
  const parent = new Map();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const info = new Map(); // node id -> { key, name, path, pkg }
  for (const node of profile.nodes) {
    const cf = node.callFrame;
    const name = cf.functionName || '(anonymous)';
    const path = where(cf.url, root);
    const key = path ? `${name} ${path}:${cf.lineNumber + 1}` : name;
    info.set(node.id, { key, name, path, pkg: packageOf(path, name) });
  }

  const { samples, timeDeltas } = profile;
  const self = new Map();
  const inclusive = new Map();
  const pkgSelf = new Map();
  const owner = new Map();
  const areaSelf = new Map();
  let total = 0;
  let idle = 0;
  let gc = 0;
  let program = 0;
  const add = (map, key, v) => map.set(key, (map.get(key) ?? 0) + v);
  for (let i = 0; i < samples.length; i++) {
    const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : (timeDeltas[i] ?? 0);
    const id = samples[i];
    const me = info.get(id);
    total += dt;
    if (me.name === '(idle)') {
      idle += dt;
      continue;
    }
    if (me.name === '(garbage collector)') gc += dt;
    if (me.name === '(program)') program += dt;
    add(self, me.key, dt);
    add(pkgSelf, me.pkg, dt);
    add(areaSelf, areaOf(me), dt);
    let ownerKey;
    for (let n = id; n !== undefined && ownerKey === undefined; n = parent.get(n)) {
      const x = info.get(n);
      if (isOurs(x.path)) ownerKey = x.key;
    }
    add(owner, ownerKey ?? `[no frame of ours] ${me.pkg}`, dt);
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const k = info.get(n).key;
      if (seen.has(k) || k === '(root)') continue;
      seen.add(k);
      add(inclusive, k, dt);
    }
  }
  const busy = total - idle;
  /** Time in functions named `name`, split by the frame that called them (`depth` frames up). */
  const callers = (name, depth = 1) => {
    const out = new Map();
    for (let i = 0; i < samples.length; i++) {
      const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : (timeDeltas[i] ?? 0);
      let n = samples[i];
      while (n !== undefined && info.get(n).name !== name) n = parent.get(n);
      if (n === undefined) continue;
      const chain = [];
      for (let up = parent.get(n); up !== undefined && chain.length < depth; up = parent.get(up)) {
        chain.push(info.get(up).key);
      }
      add(out, chain.join(' ← ') || '(root)', dt);
    }
    return [...out.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([key, micros]) => ({ key, micros, pct: (100 * micros) / busy }));
  };
  const keyInfo = new Map([...info.values()].map((x) => [x.key, x]));
  const top = (map, count, filter = () => true) =>
    [...map.entries()]
      .filter(([k]) => filter(keyInfo.get(k) ?? { key: k, path: '' }))
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, micros]) => ({ key, micros, pct: (100 * micros) / busy }));
  return {
    total,
    busy,
    idle,
    gc,
    program,
    callers,
    topSelf: (count) => top(self, count),
    /** Every sample charged once: to the innermost frame of our code on its stack, else to its package. */
    topOwners: (count) => top(owner, count),
    topInclusiveOurs: (count) => top(inclusive, count, (x) => isOurs(x.path)),
    topInclusive: (count) => top(inclusive, count),
    areas: () =>
      [...areaSelf.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([key, micros]) => ({ key, micros, pct: (100 * micros) / busy })),
    packages: () =>
      [...pkgSelf.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([key, micros]) => ({ key, micros, pct: (100 * micros) / busy })),
  };
}
