import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import bcrypt from 'bcryptjs';
import { DataSource, DataSourceOptions, MigrationInterface } from 'typeorm';
import {
  buildDataSourceOptions,
  createIndexSql,
  createTableSql,
  Dialect,
  initializeDataSource,
  MIGRATIONS,
  ONE_API_TABLES,
  seedRootAccountIfNeeded,
} from '@one-api/server-db';
import { createTestDatabase, describeEachEngine, Engine, TestDatabase } from './databases';
import { startTestApp } from './harness';

type MigrationClass = new () => MigrationInterface;
const FIXTURES = join(__dirname, 'fixtures');
/**
 * This project's first release (0.1.0): the migrations it shipped, frozen. A later version must upgrade a database
 * created by it; the SQLite fixture is that release's schema exactly as its migrations wrote it.
 */
const RELEASE_0_1_0 = ['OneApiBaseline1732600000001', 'RequestCostsAndLogColumns1732600000002'];
const RELEASE_FIXTURE = readFileSync(join(FIXTURES, 'release-0.1.0.sqlite.sql'), 'utf8');
const ONE_API_FIXTURE = readFileSync(join(FIXTURES, 'oneapi-upstream-schema.sqlite.sql'), 'utf8');
const ALL = MIGRATIONS as MigrationClass[];
const nameOf = (m: MigrationClass) => new m().name ?? m.name;
const OLD_ROOT_HASH = bcrypt.hashSync('old-root-pass', 4);

function options(db: TestDatabase, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    ...buildDataSourceOptions({
      sqlDsn: db.sqlDsn,
      sqlitePath: db.sqlitePath || 'unused.db',
      sqliteBusyTimeout: 10000,
      sqlMaxIdleConns: 2,
      sqlMaxOpenConns: 4,
      sqlMaxLifetime: 0,
      debugSql: false,
      nodeType: 'master',
    }),
    ...extra,
  } as DataSourceOptions;
}

/** Opens a database with only the given migrations (an older release of the gateway) and applies them. */
async function openAt(db: TestDatabase, migrations: MigrationClass[]): Promise<DataSource> {
  const ds = await new DataSource(
    options(db, { entities: [], migrations, migrationsRun: false }),
  ).initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}

type Snapshot = Record<string, { columns: string[]; indexes: string[] }>;

/** Tables, columns (type, nullability, default) and index names, as the engine's catalog reports them. */
async function snapshot(ds: DataSource): Promise<Snapshot> {
  const type = ds.options.type;
  const out: Snapshot = {};
  const add = (table: string, kind: 'columns' | 'indexes', value: string) => {
    (out[table] ??= { columns: [], indexes: [] })[kind].push(value);
  };
  if (type === 'better-sqlite3') {
    const tables = (await ds.query(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    )) as Array<{ name: string }>;
    for (const { name } of tables) {
      for (const c of await ds.query(`PRAGMA table_info(\`${name}\`)`))
        add(
          name,
          'columns',
          `${c.name} ${c.type} ${c.notnull ? 'NOT NULL' : 'NULL'} ${c.dflt_value} pk${c.pk}`,
        );
      for (const i of await ds.query(`PRAGMA index_list(\`${name}\`)`))
        add(name, 'indexes', `${i.name}${i.unique ? ' unique' : ''}`);
    }
  } else if (type === 'postgres') {
    for (const c of await ds.query(
      `SELECT table_name AS t, column_name AS c, data_type AS d, character_maximum_length AS l, is_nullable AS n, column_default AS def
         FROM information_schema.columns WHERE table_schema = current_schema()`,
    ))
      add(c.t, 'columns', `${c.c} ${c.d}(${c.l}) ${c.n} ${c.def}`);
    for (const i of await ds.query(
      `SELECT tablename AS t, indexname AS i, indexdef AS d FROM pg_indexes WHERE schemaname = current_schema()`,
    ))
      add(i.t, 'indexes', `${i.i} ${String(i.d).replace(/^.* USING /, '')}`);
  } else {
    for (const c of await ds.query(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS d, IS_NULLABLE AS n, COLUMN_DEFAULT AS def, COLLATION_NAME AS co
         FROM information_schema.columns WHERE table_schema = DATABASE()`,
    ))
      add(c.t, 'columns', `${c.c} ${c.d} ${c.n} ${c.def} ${c.co}`);
    for (const i of await ds.query(
      `SELECT TABLE_NAME AS t, INDEX_NAME AS i, NON_UNIQUE AS u, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS cols
         FROM information_schema.statistics WHERE table_schema = DATABASE() GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE`,
    ))
      add(i.t, 'indexes', `${i.i} ${Number(i.u) ? '' : 'unique '}(${i.cols})`);
  }
  for (const t of Object.values(out)) {
    t.columns.sort();
    t.indexes.sort();
  }
  return out;
}

async function migrationNames(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(`SELECT name FROM schema_migrations ORDER BY id`)) as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

/** The schema a fresh database of this engine gets from this version. */
async function freshSnapshot(engine: Engine): Promise<Snapshot> {
  const db = await createTestDatabase(engine);
  try {
    const ds = await initializeDataSource(options(db, { entities: [] }));
    try {
      return await snapshot(ds);
    } finally {
      await ds.destroy();
    }
  } finally {
    await db.drop();
  }
}

/** Rows written by the older version, in the columns it had. */
async function writeOldRows(ds: DataSource, withGatewayTables: boolean): Promise<void> {
  const q = (sql: string) => (ds.options.type === 'postgres' ? sql.replace(/`/g, '"') : sql);
  await ds.query(
    q(`INSERT INTO users (id, username, password, display_name, role, status, email, access_token, quota, used_quota, request_count, \`group\`, aff_code)
       VALUES (1, 'root', '${OLD_ROOT_HASH}', 'Root User', 100, 1, '', 'c0ffee00c0ffee00c0ffee00c0ffee00', 500000000000000, 7, 3, 'default', 'AbCd'),
              (2, 'alice', 'x', 'Alice', 1, 1, 'a@example.com', 'a11ce000a11ce000a11ce000a11ce000', 1000, 10, 1, 'vip', 'EfGh')`),
  );
  await ds.query(
    q(`INSERT INTO tokens (id, user_id, \`key\`, status, name, created_time, accessed_time, expired_time, remain_quota, unlimited_quota, used_quota, models, subnet)
       VALUES (1, 2, 'AbCdEfGh12345678A1b2C3d4E5f6A7b8C9d0E1f2A3b4C5d6', 1, 'k', 1732000000, 1732000000, -1, 500, ${
         ds.options.type === 'postgres' ? 'false' : '0'
       }, 5, NULL, '')`),
  );
  await ds.query(q(`INSERT INTO options (\`key\`, value) VALUES ('SystemName', 'Upgraded')`));
  await ds.query(
    q(`INSERT INTO logs (id, user_id, created_at, type, content, username, token_name, model_name, quota, channel_id)
       VALUES (1, 2, 1732000000, 2, 'old log', 'alice', 'k', 'gpt-4o-mini', 42, 1)`),
  );
  if (withGatewayTables) {
    await ds.query(
      q(`INSERT INTO user_request_costs (id, created_time, user_id, request_id, quota, created_at, updated_at)
         VALUES (1, 1732000000, 2, 'req-1', 42, 1732000000, 1732000000)`),
    );
  }
}

async function expectOldRowsIntact(ds: DataSource, withGatewayTables: boolean): Promise<void> {
  expect(await ds.query(`SELECT id, username, quota, used_quota FROM users ORDER BY id`)).toEqual([
    { id: 1, username: 'root', quota: 500000000000000, used_quota: 7 },
    { id: 2, username: 'alice', quota: 1000, used_quota: 10 },
  ]);
  const [token] = await ds.query(`SELECT remain_quota, used_quota, expired_time FROM tokens WHERE id = 1`);
  expect(token).toEqual({ remain_quota: 500, used_quota: 5, expired_time: -1 });
  const [log] = await ds.query(`SELECT quota, content, token_id, origin_model_name FROM logs WHERE id = 1`);
  // columns added later get their defaults on old rows
  expect(log).toEqual({ quota: 42, content: 'old log', token_id: 0, origin_model_name: '' });
  if (withGatewayTables) {
    expect(await ds.query(`SELECT request_id, quota FROM user_request_costs`)).toEqual([
      { request_id: 'req-1', quota: 42 },
    ]);
  }
}

/** Boots the current gateway on the database and checks it serves the old data. */
async function bootCurrentVersion(db: TestDatabase): Promise<void> {
  const t = await startTestApp({ database: db });
  try {
    const status = await t.http.get('/api/status').expect(200);
    expect(status.body.data.system_name).toBe('Upgraded');
    const self = await t.http
      .get('/api/user/self')
      .set('Authorization', 'c0ffee00c0ffee00c0ffee00c0ffee00')
      .expect(200);
    expect(self.body.data).toMatchObject({ id: 1, username: 'root', used_quota: 7 });
    await t.login('root', 'old-root-pass');
  } finally {
    await t.close();
  }
}

describe('the first release schema is frozen', () => {
  it('replaying the 0.1.0 migrations on SQLite writes exactly the frozen fixture (released migrations are never edited)', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      const ds = await openAt(
        db,
        ALL.filter((m) => RELEASE_0_1_0.includes(nameOf(m))),
      );
      const ddl = (await ds.query(
        `SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name <> 'sqlite_sequence' ORDER BY rowid`,
      )) as Array<{ sql: string }>;
      await ds.destroy();
      const frozen = RELEASE_FIXTURE.split('\n').filter((l) => l.startsWith('CREATE '));
      expect(ddl.map((r) => `${r.sql};`)).toEqual(frozen);
      expect(ALL.slice(0, RELEASE_0_1_0.length).map(nameOf)).toEqual(RELEASE_0_1_0);
    } finally {
      await db.drop();
    }
  });
});

describeEachEngine('upgrade safety', (engine) => {
  let fresh: Snapshot;
  beforeAll(async () => {
    fresh = await freshSnapshot(engine);
  });

  it('upgrades a database of the first release (0.1.0) to the current schema, keeping every row', async () => {
    const db = await createTestDatabase(engine);
    try {
      let ds: DataSource;
      if (engine === 'sqlite') {
        // SQLite: the frozen schema file of that release
        const file = new Database(db.sqlitePath);
        file.exec(RELEASE_FIXTURE);
        file.close();
        ds = await new DataSource(
          options(db, { entities: [], migrations: [], migrationsRun: false }),
        ).initialize();
      } else {
        ds = await openAt(
          db,
          ALL.filter((m) => RELEASE_0_1_0.includes(nameOf(m))),
        );
      }
      expect(await migrationNames(ds)).toEqual(RELEASE_0_1_0);
      await writeOldRows(ds, true);
      await ds.destroy();

      await bootCurrentVersion(db);

      const after = await initializeDataSource(options(db, { entities: [] }));
      try {
        expect(await migrationNames(after)).toEqual(ALL.map(nameOf));
        expect(await snapshot(after)).toEqual(fresh);
        await expectOldRowsIntact(after, true);
      } finally {
        await after.destroy();
      }
    } finally {
      await db.drop();
    }
  });

  it('adopts an original One API database (no schema_migrations) and brings it to the current schema', async () => {
    const db = await createTestDatabase(engine);
    try {
      const plain = await new DataSource(
        options(db, { entities: [], migrations: [], migrationsRun: false }),
      ).initialize();
      if (engine === 'sqlite') {
        await plain.destroy();
        const file = new Database(db.sqlitePath);
        file.exec(ONE_API_FIXTURE);
        file.close();
      } else {
        // what One API's gorm AutoMigrate creates on this engine: its seven tables and indexes, nothing else
        const dialect: Dialect = engine;
        for (const table of ONE_API_TABLES) {
          await plain.query(createTableSql(dialect, table));
          for (const index of table.indexes) await plain.query(createIndexSql(dialect, table, index));
        }
        await plain.destroy();
      }
      const old = await new DataSource(
        options(db, { entities: [], migrations: [], migrationsRun: false }),
      ).initialize();
      await writeOldRows(old, false);
      await old.destroy();

      await bootCurrentVersion(db);

      const after = await initializeDataSource(options(db, { entities: [] }));
      try {
        expect(await migrationNames(after)).toEqual(ALL.map(nameOf));
        const upgraded = await snapshot(after);
        // every table, column and index of a fresh database exists, with the same definition
        for (const [table, def] of Object.entries(fresh)) {
          expect([table, upgraded[table]?.columns]).toEqual([table, def.columns]);
          for (const index of def.indexes) {
            if (index.startsWith('sqlite_autoindex')) continue;
            expect(upgraded[table].indexes).toContain(index);
          }
        }
        await expectOldRowsIntact(after, false);
      } finally {
        await after.destroy();
      }
    } finally {
      await db.drop();
    }
  });

  it('is idempotent: every migration applied twice changes nothing, and a second boot finds nothing to do', async () => {
    const db = await createTestDatabase(engine);
    try {
      const ds = await initializeDataSource(options(db, { entities: [] }));
      await writeOldRows(ds, true);
      const first = await snapshot(ds);
      // each migration's up() once more, on the migrated database
      const qr = ds.createQueryRunner();
      try {
        for (const M of ALL) await new M().up(qr);
      } finally {
        await qr.release();
      }
      expect(await snapshot(ds)).toEqual(first);
      // and the whole chain again from an empty schema_migrations
      await ds.query(`DELETE FROM schema_migrations`);
      await ds.destroy();
      const again = await initializeDataSource(options(db, { entities: [] }));
      try {
        expect(await migrationNames(again)).toEqual(ALL.map(nameOf));
        expect(await snapshot(again)).toEqual(first);
        await expectOldRowsIntact(again, true);
        expect(await again.showMigrations()).toBe(false);
      } finally {
        await again.destroy();
      }
      expect(first).toEqual(fresh);
    } finally {
      await db.drop();
    }
  });

  // SQLite is one file with one writer: the lock is for the server engines
  if (engine !== 'sqlite')
    it('replicas starting together on an empty database migrate once and seed one root', async () => {
      const db = await createTestDatabase(engine);
      try {
        const replicas = await Promise.all(
          Array.from({ length: 4 }, () => initializeDataSource(options(db, { migrationsRun: true }))),
        );
        try {
          expect(await migrationNames(replicas[0])).toEqual(ALL.map(nameOf));
          expect(await snapshot(replicas[0])).toEqual(fresh);
          const seeded = await Promise.all(replicas.map((ds) => seedRootAccountIfNeeded(ds, {})));
          expect(seeded.filter(Boolean)).toHaveLength(1);
          expect(await replicas[0].query(`SELECT username FROM users`)).toEqual([{ username: 'root' }]);
        } finally {
          await Promise.all(replicas.map((ds) => ds.destroy()));
        }
      } finally {
        await db.drop();
      }
    });
});
