import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';

export type Engine = 'sqlite' | 'postgres' | 'mysql';

export interface TestDatabase {
  engine: Engine;
  /** SQL_DSN for the gateway ('' for SQLite) */
  sqlDsn: string;
  sqlitePath: string;
  drop(): Promise<void>;
}

const URL_VARS: Record<Exclude<Engine, 'sqlite'>, string> = {
  postgres: 'TEST_PG_URL',
  mysql: 'TEST_MYSQL_URL',
};
const warned = new Set<string>();

/** Engines this run covers: SQLite always; PostgreSQL and MySQL when their URLs are set (CI must set them). */
export function engineAvailability(): Array<{ engine: Engine; available: boolean }> {
  return (['sqlite', 'postgres', 'mysql'] as Engine[]).map((engine) => {
    if (engine === 'sqlite') return { engine, available: true };
    const name = URL_VARS[engine];
    const available = !!process.env[name];
    if (!available && process.env.CI)
      throw new Error(`${name} must be set in CI: the ${engine} suite may not be skipped`);
    if (!available && !warned.has(name)) {
      warned.add(name);
      console.warn(`[tests] ${engine} integration tests SKIPPED: set ${name} to run them`);
    }
    return { engine, available };
  });
}

/** Runs a describe block once per engine; engines without a server are shown as skipped, never silently dropped. */
export function describeEachEngine(title: string, body: (engine: Engine) => void): void {
  for (const { engine, available } of engineAvailability()) {
    (available ? describe : describe.skip)(`${title} [${engine}]`, () => body(engine));
  }
}

const uniqueName = () => `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/** A fresh, empty database for one test file. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'oneapi-test-'));
    return {
      engine,
      sqlDsn: '',
      sqlitePath: join(dir, 'one-api.db'),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = uniqueName();
  if (engine === 'postgres') {
    const base = process.env.TEST_PG_URL!;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    return {
      engine,
      sqlDsn: url.toString(),
      sqlitePath: '',
      drop: async () => {
        const c = new Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const base = new URL(process.env.TEST_MYSQL_URL!);
  const connect = () =>
    createConnection({
      host: base.hostname,
      port: Number(base.port || 3306),
      user: decodeURIComponent(base.username),
      password: decodeURIComponent(base.password),
    });
  const admin = await connect();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    engine,
    sqlDsn: url.toString(),
    sqlitePath: '',
    drop: async () => {
      const c = await connect();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
