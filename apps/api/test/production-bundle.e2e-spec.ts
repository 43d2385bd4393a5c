import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

const ROOT = resolve(__dirname, '../../..');
const DOCKERFILE = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');

interface Stage {
  name: string;
  lines: string[];
}

/** The Dockerfile's stages with their instructions (continuation lines joined). */
function stages(text: string): Stage[] {
  const joined = text.replace(/\\\n/g, ' ');
  const out: Stage[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ name: from[1] ?? String(out.length), lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

/** `ENV A=1 B=2` instructions of a stage as a map. */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of stage.lines.filter((l) => /^ENV\s/i.test(l))) {
    for (const m of line.slice(4).matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]] = m[2].replace(/^"|"$/g, '');
  }
  return env;
}

function jsonInstruction(stage: Stage, name: string): string[] {
  const line = stage.lines.find((l) => l.toUpperCase().startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in the runtime stage`);
  return JSON.parse(line.slice(line.indexOf('[')));
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

async function waitFor(
  url: string,
  proc: ChildProcess,
  output: () => string,
  ms = 60_000,
): Promise<Response> {
  const until = Date.now() + ms;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`process exited with ${proc.exitCode}:\n${output()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return res;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer in ${ms} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function start(
  cmd: string[],
  cwd: string,
  env: Record<string, string>,
): { proc: ChildProcess; output: () => string } {
  let text = '';
  const [bin, ...args] = cmd;
  // the image's `node` is this test's node; nothing else of this process's environment is passed on
  const proc = spawn(bin === 'node' ? process.execPath : bin, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d) => (text += d));
  proc.stderr?.on('data', (d) => (text += d));
  return { proc, output: () => text };
}

async function stop(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return proc.exitCode;
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

describe('the production bundle, built as the Dockerfile builds it and started with only the image env', () => {
  const build = stages(DOCKERFILE)[0];
  const runtime = stages(DOCKERFILE).at(-1)!;
  const imageEnv = envOf(runtime);
  let work: string;
  let bundle: string;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'oneapi-bundle-'));
    bundle = join(work, 'app');
    dataDir = join(work, 'data');
    const script = build.lines.find((l) => /^RUN bash tools\/scripts\/build-production\.sh /.test(l))!;
    const outDir = script.split(/\s+/).at(-1)!;
    expect(outDir).toBe('/bundle');
    // the same script, writing to a temp folder instead of /bundle
    const res = spawnSync('bash', ['tools/scripts/build-production.sh', bundle], {
      cwd: ROOT,
      encoding: 'utf8',
      // with the build stage's ENV, as in the image build
      env: { ...process.env, NODE_ENV: '', ...envOf(build) },
      timeout: 540_000,
    });
    if (res.status !== 0) throw new Error(`build-production.sh failed (${res.status}):\n${res.stderr}`);
    // /data is the image's volume; here it is a temp folder
    env = {
      ...imageEnv,
      SQLITE_PATH: imageEnv.SQLITE_PATH.replace(/^\/data\//, `${dataDir}/`),
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
    };
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the Dockerfile: node:20-bookworm-slim stages, build tools only in the build stage, non-root, /data volume, healthcheck', () => {
    expect(DOCKERFILE).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(stages(DOCKERFILE).map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(build.lines.join('\n')).toMatch(/apt-get install .*python3 make g\+\+/);
    expect(build.lines).toContain('RUN npm ci --no-audit --no-fund');
    expect(runtime.lines.join('\n')).not.toMatch(/apt-get|g\+\+|npm (ci|install)/);
    expect(runtime.lines).toContain('COPY --from=build /bundle/ /app/');
    expect(runtime.lines).toContain('USER node');
    expect(runtime.lines).toContain('VOLUME ["/data"]');
    expect(imageEnv).toEqual({ NODE_ENV: 'production', PORT: '3000', SQLITE_PATH: '/data/one-api.db' });
    expect(envOf(build)).toMatchObject({
      npm_config_build_from_source: 'better-sqlite3',
      NX_DAEMON: 'false',
    });
    // nothing architecture-specific is fetched (multi-arch builds take the platform's Node image and compile natives)
    const instructions = [...build.lines, ...runtime.lines].join('\n');
    expect(instructions).not.toMatch(/amd64|arm64|x86_64|aarch64|\b(curl|wget)\b/i);
    expect(instructions).toMatch(/npm_config_build_from_source=better-sqlite3/);
    expect(runtime.lines.find((l) => l.startsWith('HEALTHCHECK'))).toMatch(/\/api\/status/);
  });

  it('holds the built apps, the admin export and production dependencies only', () => {
    for (const file of [
      'apps/api/dist/main.js',
      'apps/worker/dist/main.js',
      'apps/admin/out/index.html',
      'tools/db-migrate/dist/main.js',
      'tools/scripts/serve-admin.mjs',
      'libs/server/db/dist/index.js',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/@nestjs/core/package.json',
    ]) {
      expect([file, existsSync(join(bundle, file))]).toEqual([file, true]);
    }
    for (const dev of ['jest', 'typescript', 'nx', '@swc/core', 'next', 'react', 'eslint', 'prettier']) {
      expect([dev, existsSync(join(bundle, 'node_modules', dev))]).toEqual([dev, false]);
    }
  });

  it('starts with the image CMD, answers /api/status and the healthcheck, serves the admin app, signs in root', async () => {
    const cmd = jsonInstruction(runtime, 'CMD');
    expect(cmd).toEqual(['node', 'apps/api/dist/main.js']);
    const api = start(cmd, bundle, env);
    try {
      const base = `http://127.0.0.1:${env.PORT}`;
      const status = await (await waitFor(`${base}/api/status`, api.proc, api.output)).json();
      expect(status).toMatchObject({
        success: true,
        data: { version: expect.any(String), system_name: 'One API' },
      });
      expect(existsSync(join(dataDir, 'one-api.db'))).toBe(true);

      const healthLine = runtime.lines.find((l) => l.startsWith('HEALTHCHECK'))!;
      const health = JSON.parse(healthLine.slice(healthLine.indexOf('CMD [') + 4)) as string[];
      expect(health[0]).toBe('node');
      const probe = spawnSync(process.execPath, health.slice(1), { env, encoding: 'utf8', timeout: 10_000 });
      expect(probe.status).toBe(0);

      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toMatch(/<html/);
      expect(html).toMatch(/\/_next\/static\//);
      const deep = await fetch(`${base}/channels/`);
      expect(deep.status).toBe(200);
      expect(await deep.text()).toMatch(/<html/);

      const login = await fetch(`${base}/api/user/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'root', password: '123456' }),
      });
      expect(login.status).toBe(200);
      expect(await login.json()).toMatchObject({ success: true });
    } finally {
      expect(await stop(api.proc)).not.toBe(null);
    }
  }, 120_000);

  it('runs the worker, the migration tool and the standalone admin server from the same bundle', async () => {
    const worker = start(['node', 'apps/worker/dist/main.js'], bundle, env);
    await new Promise((r) => setTimeout(r, 4000));
    // it boots on the same env and database (it may finish when it has no queue to wait on: exit status 0)
    expect(worker.output()).toMatch(/Worker started/);
    expect([null, 0]).toContain(worker.proc.exitCode);
    await stop(worker.proc);

    const migrate = spawnSync(
      process.execPath,
      ['tools/db-migrate/dist/main.js', '--from', `sqlite:${env.SQLITE_PATH}`, '--to', join(work, 'copy.db')],
      { cwd: bundle, env, encoding: 'utf8', timeout: 60_000 },
    );
    expect([migrate.status, migrate.stderr]).toEqual([0, expect.any(String)]);
    expect(migrate.stdout).toMatch(/verified: \d+ tables identical/);

    const adminPort = String(await freePort());
    const admin = start(['node', 'tools/scripts/serve-admin.mjs'], bundle, {
      HOST: '127.0.0.1',
      PORT: adminPort,
    });
    try {
      await waitFor(`http://127.0.0.1:${adminPort}/healthz`, admin.proc, admin.output);
      const page = await fetch(`http://127.0.0.1:${adminPort}/tokens/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/);
      const escape = await fetch(`http://127.0.0.1:${adminPort}/..%2f..%2fpackage.json`);
      expect(await escape.text()).not.toMatch(/"name"/);
    } finally {
      await stop(admin.proc);
    }
  }, 120_000);
  it('the bundled migration tool, killed mid-copy, resumes on the next run and verifies the copy', async () => {
    const source = env.SQLITE_PATH; // the database the API created above
    const db = new Database(source);
    const insert = db.prepare(
      `INSERT INTO logs (user_id, created_at, type, content, username, model_name, quota) VALUES (1, ?, 2, ?, 'root', 'gpt-4o-mini', ?)`,
    );
    db.transaction(() => {
      for (let i = 1; i <= 3000; i++) insert.run(1732000000 + i, `row ${i}`, i);
    })();
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM logs`).get() as { n: number }).n;
    db.close();
    const target = join(work, 'resumed.db');
    const args = ['tools/db-migrate/dist/main.js', '--from', `sqlite:${source}`, '--to', target];

    // one row per batch, killed (SIGKILL: no cleanup) once the logs table is under way
    const first = start(['node', ...args, '--batch-size', '1'], bundle, env);
    const killed = new Promise<NodeJS.Signals | null>((r) =>
      first.proc.once('exit', (_code, signal) => r(signal)),
    );
    const until = Date.now() + 60_000;
    while (
      !/\blogs: [\d,]+\/[\d,]+ rows/.test(first.output()) &&
      first.proc.exitCode === null &&
      Date.now() < until
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    first.proc.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    const partial = new Database(target, { readonly: true });
    const copied = (partial.prepare(`SELECT COUNT(*) AS n FROM logs`).get() as { n: number }).n;
    const marks = partial.prepare(`SELECT COUNT(*) AS n FROM db_migrate_progress`).get() as { n: number };
    partial.close();
    expect(copied).toBeGreaterThan(0);
    expect(copied).toBeLessThan(total);
    expect(marks.n).toBeGreaterThan(0);

    const second = spawnSync(process.execPath, args, {
      cwd: bundle,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect([second.status, second.stderr]).toEqual([0, expect.stringMatching(/\[db-migrate\] resuming /)]);
    expect(second.stderr).toMatch(/abilities: already copied/);
    expect(second.stdout).toMatch(new RegExp(`^logs +${total} +${total} +[0-9a-f]{16} {2}ok$`, 'm'));
    expect(second.stdout).toMatch(/verified: \d+ tables identical/);
  }, 180_000);
});
