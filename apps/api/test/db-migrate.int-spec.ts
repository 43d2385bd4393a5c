import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { databaseChecksums, migrateDatabase, PROGRESS_TABLE, runCli, tableNames } from '@one-api/db-migrate';
import { createTestDatabase, describeEachEngine, engineAvailability, TestDatabase } from './databases';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, setOption } from './relay-fixtures';

const LOG_ROWS = 2345;
const ROOT_PASSWORD = 'root-pass-123';
const sqliteDb = (file: string): TestDatabase => ({
  engine: 'sqlite',
  sqlDsn: '',
  sqlitePath: file,
  drop: async () => undefined,
});
/** The DSN the migration tool takes for a test database. */
const dsnOf = (db: TestDatabase) => (db.engine === 'sqlite' ? `sqlite:${db.sqlitePath}` : db.sqlDsn);
/** One API's Go form of a MySQL DSN (user:pass@tcp(host:port)/db), as existing deployments write SQL_DSN. */
function goMysqlDsn(url: string): string {
  const u = new URL(url);
  return `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}@tcp(${u.hostname}:${u.port || 3306})${u.pathname}`;
}

/** A gateway database with every table in use, written through the real app plus bulk logs with awkward values. */
async function populate(file: string): Promise<void> {
  const t = await startTestApp({ database: sqliteDb(file) });
  try {
    const root = await t.login('root', '123456');
    // A root with the seeded password may be asked to change it before anything else.
    await root.put('/api/user/self').send({ password: ROOT_PASSWORD }).expect(200);
    const created = await root
      .post('/api/user/')
      .send({ username: 'alice', password: 'alice-pass-1', display_name: 'Alice ✓', quota: 123456 });
    expect([created.status, created.body.message]).toEqual([200, '']);
    await createChannel(root, {
      name: 'openai "main"',
      base_url: 'http://127.0.0.1:9/v1',
      models: 'gpt-4o-mini,gpt-4o',
      group: 'default,vip',
      model_mapping: '{"gpt-4o-mini-alias":"gpt-4o-mini"}',
      priority: 3,
    });
    await createChannel(root, { name: '渠道 二', base_url: '', models: 'claude-3-5-haiku', weight: 7 });
    await createKey(root, { name: 'unlimited', unlimited_quota: true });
    await createKey(root, {
      name: 'limited',
      remain_quota: 5000,
      models: 'gpt-4o-mini',
      subnet: '10.0.0.0/8',
    });
    await setOption(root, 'SystemName', '网关 🚀 "quoted"\nsecond line');
    await setOption(root, 'GroupRatio', '{"default":1,"vip":0.8}');
    const red = await root.post('/api/redemption/').send({ name: 'gift', count: 3, quota: 777 }).expect(200);
    expect(red.body.success).toBe(true);

    const ds = t.dataSource;
    await ds.query(`UPDATE channels SET balance = 12.34, other = NULL, test_time = 1732000000 WHERE id = 1`);
    const now = 1732000000;
    await ds.transaction(async (m) => {
      for (let i = 1; i <= LOG_ROWS; i++) {
        await m.query(
          `INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens,
             completion_tokens, channel_id, request_id, elapsed_time, is_stream, system_prompt_reset, token_id, origin_model_name)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            1 + (i % 2),
            now + i,
            i % 5 === 0 ? 1 : 2,
            i % 7 === 0 ? `倍率 ${i} — 'single' "double" \\ back\tslash 😀` : `row ${i}`,
            i % 2 ? 'alice' : 'root',
            i % 3 ? 'unlimited' : '',
            i % 4 ? 'gpt-4o-mini' : 'gpt-4o',
            i * 1000003,
            i % 1000,
            i % 97,
            i % 11 === 0 ? null : 1,
            `req-${i.toString(36)}`,
            i * 3,
            i % 2,
            i % 3 === 0 ? 1 : 0,
            i % 2 ? 1 : 2,
            i % 13 === 0 ? 'gpt-4o-mini-alias' : '',
          ],
        );
      }
      for (let i = 1; i <= 40; i++) {
        await m.query(
          `INSERT INTO user_request_costs (created_time, user_id, request_id, quota, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
          [now + i, 1 + (i % 2), `req-${i.toString(36)}`, i * 17, now + i, now + i],
        );
      }
      // The largest quota One API seeds, and a huge used quota (still below 2^53).
      await m.query(`UPDATE users SET used_quota = 9007199254740000 WHERE username = 'alice'`);
    });
  } finally {
    await t.close();
  }
}

describe('db-migrate: every table, batches, checksums', () => {
  let dir: string;
  let source: string;
  let original: Record<string, { rows: number; checksum: string }>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oneapi-dbmigrate-'));
    source = join(dir, 'source.db');
    await populate(source);
    original = await databaseChecksums(`sqlite:${source}`);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the populated source holds rows in every table, schema_migrations included', () => {
    // Tables added by later migrations are copied and compared too; these are the ones populated here.
    const populated = [
      'abilities',
      'channels',
      'logs',
      'options',
      'redemptions',
      'schema_migrations',
      'tokens',
      'user_request_costs',
      'users',
    ];
    for (const table of populated) expect([table, original[table]?.rows > 0]).toEqual([table, true]);
    expect(original.logs.rows).toBe(LOG_ROWS);
  });

  const chain = engineAvailability().every((e) => e.available) ? it : it.skip;
  chain(
    'moves SQLite → PostgreSQL → MySQL → SQLite with identical row counts and checksums, and the app runs on each copy',
    async () => {
      const pg = await createTestDatabase('postgres');
      const my = await createTestDatabase('mysql');
      const back = join(dir, 'round-trip.db');
      try {
        const lines: string[] = [];
        const r1 = await migrateDatabase({
          from: `sqlite:${source}`,
          to: pg.sqlDsn,
          batchSize: 500,
          log: (l) => lines.push(l),
        });
        expect(r1.ok).toBe(true);
        expect(r1.copiedRows).toBe(Object.values(original).reduce((n, t) => n + t.rows, 0));
        // progress in batches: logs went over in 5 batches of at most 500 rows
        expect(lines).toEqual(
          expect.arrayContaining([expect.stringMatching(/^logs: 2,345\/2,345 rows \(100\.0%\)$/)]),
        );
        expect(await databaseChecksums(pg.sqlDsn)).toEqual(original);

        const r2 = await migrateDatabase({ from: pg.sqlDsn, to: goMysqlDsn(my.sqlDsn), batchSize: 700 });
        expect(r2.ok).toBe(true);
        expect(await databaseChecksums(my.sqlDsn)).toEqual(original);

        const r3 = await migrateDatabase({ from: my.sqlDsn, to: back, batchSize: 1000 });
        expect(r3.ok).toBe(true);
        expect(await databaseChecksums(`sqlite:${back}`)).toEqual(original);

        // The copies are working gateway databases: same accounts, and new rows get fresh ids (sequences moved on).
        for (const db of [pg, my, sqliteDb(back)]) {
          const t: TestApp = await startTestApp({ database: db });
          try {
            const root = await t.login('root', ROOT_PASSWORD);
            await t.login('alice', 'alice-pass-1');
            const status = await t.http.get('/api/status').expect(200);
            expect(status.body.data.system_name).toBe('网关 🚀 "quoted"\nsecond line');
            const key = await createKey(root, { name: `after move ${db.engine}` });
            expect(key.id).toBe(3);
            const logs = await root.get('/api/log/?p=0&size=1').expect(200);
            expect(logs.body.total).toBeGreaterThanOrEqual(LOG_ROWS);
          } finally {
            await t.close();
          }
        }
      } finally {
        await pg.drop();
        await my.drop();
      }
    },
    300_000,
  );

  it('refuses a non-empty target without --force, and overwrites it with --force', async () => {
    const target = join(dir, 'occupied.db');
    const t = await startTestApp({ database: sqliteDb(target) }); // seeds root: the target has a user
    await t.close();
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await runCli(['--from', `sqlite:${source}`, '--to', target], io)).toBe(3);
    expect(err.join('\n')).toMatch(/target database is not empty \(rows in .*users.*\); pass --force/);
    expect(
      await runCli(['--from', `sqlite:${source}`, '--to', target, '--force', '--batch-size', '400'], io),
    ).toBe(0);
    expect(out.at(-1)).toMatch(/^verified: \d+ tables identical$/);
    expect(err.join('\n')).toMatch(/\[db-migrate\] logs: 2,345\/2,345 rows \(100\.0%\)/);
    expect(await databaseChecksums(`sqlite:${target}`)).toEqual(original);
  });

  it('--verify-only finds a changed row; usage errors exit 2', async () => {
    const target = join(dir, 'verify.db');
    expect((await migrateDatabase({ from: `sqlite:${source}`, to: target })).ok).toBe(true);
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: () => undefined };
    expect(await runCli(['--from', source, '--to', target, '--verify-only'], io)).toBe(0);
    const db = new Database(target);
    db.prepare(`UPDATE tokens SET remain_quota = remain_quota + 1 WHERE id = 2`).run();
    db.close();
    out.length = 0;
    expect(await runCli(['--from', source, '--to', target, '--verify-only'], io)).toBe(1);
    expect(out.find((l) => l.startsWith('tokens'))).toMatch(/MISMATCH/);
    expect(out.find((l) => l.startsWith('users'))).toMatch(/ ok$/);
    expect(await runCli(['--from', source], io)).toBe(2);
    expect(await runCli(['--from', source, '--to', target, '--batch-size', '0'], io)).toBe(2);
    expect(await runCli(['--bogus'], io)).toBe(2);
    expect(await runCli(['--help'], io)).toBe(0);
    expect(await runCli(['--from', source, '--to', source], io)).toBe(1);
  });

  it('copies an original One API database (no schema_migrations) at its own schema level', async () => {
    const legacy = join(dir, 'one-api-original.db');
    const db = new Database(legacy);
    db.exec(readFileSync(join(__dirname, 'fixtures/oneapi-upstream-schema.sqlite.sql'), 'utf8'));
    db.prepare(
      `INSERT INTO users (id, username, password, display_name, role, status, access_token, quota) VALUES (1, 'root', 'x', 'Root', 100, 1, 'c0ffee00c0ffee00c0ffee00c0ffee00', 42)`,
    ).run();
    db.prepare(`INSERT INTO options (key, value) VALUES ('SystemName', 'Old')`).run();
    db.close();
    const target = join(dir, 'from-original.db');
    const report = await migrateDatabase({ from: legacy, to: target });
    expect(report.ok).toBe(true);
    const copy = new Database(target, { readonly: true });
    try {
      const names = copy.prepare(`SELECT name FROM schema_migrations`).all() as Array<{ name: string }>;
      expect(names.map((n) => n.name)).toEqual(['OneApiBaseline1732600000001']);
      expect(copy.prepare(`SELECT username, quota FROM users`).all()).toEqual([
        { username: 'root', quota: 42 },
      ]);
    } finally {
      copy.close();
    }
    // The gateway then upgrades the copy like any One API database.
    const t = await startTestApp({ database: sqliteDb(target) });
    await t.close();
  });

  describeEachEngine('an interrupted run resumes where it stopped', (engine) => {
    it('continues after the last committed batch, without duplicates', async () => {
      const target =
        engine === 'sqlite' ? sqliteDb(join(dir, 'resume.db')) : await createTestDatabase(engine);
      try {
        let batches = 0;
        await expect(
          migrateDatabase({
            from: `sqlite:${source}`,
            to: dsnOf(target),
            batchSize: 300,
            onProgress: (e) => {
              if (e.type === 'batch' && e.table === 'logs' && ++batches === 3)
                throw new Error('simulated crash');
            },
          }),
        ).rejects.toThrow('simulated crash');
        expect(await tableNames(dsnOf(target))).toContain(PROGRESS_TABLE);

        // A second run without --force is a resume, not a refusal.
        const lines: string[] = [];
        let firstLogsBatch: { copied: number } | undefined;
        const report = await migrateDatabase({
          from: `sqlite:${source}`,
          to: dsnOf(target),
          batchSize: 300,
          log: (l) => lines.push(l),
          onProgress: (e) => {
            if (e.type === 'batch' && e.table === 'logs' && !firstLogsBatch)
              firstLogsBatch = { copied: e.copied };
          },
        });
        expect(report.ok).toBe(true);
        expect(report.resumed).toBe(true);
        expect(lines[0]).toMatch(/^resuming /);
        // three logs batches (900 rows) were committed before the crash: the resumed run starts at row 901
        expect(firstLogsBatch).toEqual({ copied: 1200 });
        expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^abilities: already copied/)]));
        const total = Object.values(original).reduce((n, t) => n + t.rows, 0);
        expect(report.copiedRows).toBeLessThan(total);
        expect(await databaseChecksums(dsnOf(target))).toEqual(original);
        expect(await tableNames(dsnOf(target))).not.toContain(PROGRESS_TABLE);
      } finally {
        await target.drop();
      }
    }, 180_000);
  });
});
