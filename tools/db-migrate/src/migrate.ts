import { createHash } from 'node:crypto';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createTableSql, Dialect, MIGRATIONS, TableSpec } from '@one-api/server-db';
import { Endpoint, openEndpoint, parseEndpoint } from './endpoint';
import { dialectOfDataSource, readSchema, TableInfo } from './schema';
import { canonicalValue, TableChecksum, valueForTarget } from './values';

export const PROGRESS_TABLE = 'db_migrate_progress';
export const MIGRATIONS_TABLE = 'schema_migrations';
const SOURCE_MARKER = '*source*';
/** Upper bound of bound parameters in one INSERT (SQLite allows 32766, PostgreSQL and MySQL 65535). */
const MAX_PARAMS = 30000;

export type ProgressEvent =
  | { type: 'plan'; resumed: boolean; tables: Array<{ table: string; rows: number; done: boolean }> }
  | { type: 'batch'; table: string; copied: number; total: number }
  | { type: 'table-done'; table: string; copied: number }
  | { type: 'verify'; table: string; ok: boolean };

export interface MigrateOptions {
  from: string;
  to: string;
  /** rows per batch (default 1000) */
  batchSize?: number;
  /** empty a non-empty target first instead of refusing */
  force?: boolean;
  /** compare the two databases without copying */
  verifyOnly?: boolean;
  onProgress?: (event: ProgressEvent) => void;
  log?: (line: string) => void;
}

export interface TableReport {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  ok: boolean;
}

export interface MigrateReport {
  from: string;
  to: string;
  resumed: boolean;
  copiedRows: number;
  tables: TableReport[];
  ok: boolean;
}

/** The target holds data and no resumable run of the same source: overwriting it needs --force. */
export class TargetNotEmptyError extends Error {
  constructor(readonly tables: string[]) {
    super(
      `the target database is not empty (rows in ${tables.join(', ')}); pass --force to delete them and copy anew`,
    );
    this.name = 'TargetNotEmptyError';
  }
}

type Row = Record<string, unknown>;
type MigrationClass = new () => MigrationInterface;

const PROGRESS_SPEC: TableSpec = {
  name: PROGRESS_TABLE,
  columns: [
    { name: 'table_name', type: { kind: 'varchar', size: 191 } },
    { name: 'last_key', type: { kind: 'text' } },
    { name: 'rows_copied', type: { kind: 'int' }, default: 0 },
    { name: 'done', type: { kind: 'int' }, default: 0 },
    { name: 'source', type: { kind: 'text' } },
  ],
  primaryKey: ['table_name'],
  indexes: [],
};

class Sql {
  readonly dialect: Dialect;
  constructor(readonly ds: DataSource) {
    this.dialect = dialectOfDataSource(ds);
  }
  id(name: string): string {
    return this.ds.driver.escape(name);
  }
  param(i: number): string {
    return this.dialect === 'postgres' ? `$${i}` : '?';
  }
}

function keyOf(row: Row, key: string[]): unknown[] {
  return key.map((k) => {
    const v = row[k];
    return typeof v === 'bigint' ? v.toString() : v;
  });
}

/** Keyset pagination in primary-key order (OFFSET only for tables without a key). */
async function readBatch(
  src: Sql,
  table: TableInfo,
  columns: string[],
  after: unknown[] | null,
  offset: number,
  limit: number,
): Promise<Row[]> {
  const cols = columns.map((c) => src.id(c)).join(', ');
  const key = table.primaryKey;
  const order = (key.length > 0 ? key : columns).map((c) => src.id(c)).join(', ');
  let sql = `SELECT ${cols} FROM ${src.id(table.name)}`;
  const params: unknown[] = [];
  if (key.length > 0 && after) {
    const left = key.length === 1 ? src.id(key[0]) : `(${key.map((k) => src.id(k)).join(', ')})`;
    const right = key.length === 1 ? src.param(1) : `(${key.map((_, i) => src.param(i + 1)).join(', ')})`;
    sql += ` WHERE ${left} > ${right}`;
    params.push(...after);
  }
  sql += ` ORDER BY ${order} LIMIT ${limit}`;
  if (key.length === 0 && offset > 0) sql += ` OFFSET ${offset}`;
  return (await src.ds.query(sql, params)) as Row[];
}

async function* scan(
  src: Sql,
  table: TableInfo,
  columns: string[],
  batchSize: number,
  start: { after: unknown[] | null; offset: number } = { after: null, offset: 0 },
): AsyncGenerator<Row[]> {
  let after = start.after;
  let offset = start.offset;
  for (;;) {
    const rows = await readBatch(src, table, columns, after, offset, batchSize);
    if (rows.length === 0) return;
    yield rows;
    offset += rows.length;
    after = keyOf(rows[rows.length - 1], table.primaryKey);
    if (rows.length < batchSize) return;
  }
}

async function checksumOf(
  db: Sql,
  table: TableInfo,
  columns: string[],
  batchSize: number,
): Promise<TableChecksum> {
  const sorted = [...columns].sort();
  const kinds = new Map(table.columns.map((c) => [c.name, c.kind]));
  const sum = new TableChecksum();
  for await (const rows of scan(db, table, sorted, batchSize)) {
    for (const row of rows) sum.add(sorted.map((c) => canonicalValue(row[c], kinds.get(c) ?? 'other')));
  }
  return sum;
}

async function countRows(db: Sql, table: string): Promise<number> {
  const [row] = (await db.ds.query(`SELECT COUNT(*) AS n FROM ${db.id(table)}`)) as Row[];
  return Number(row.n ?? row.N);
}

async function hasRows(db: Sql, table: string): Promise<boolean> {
  const rows = (await db.ds.query(`SELECT 1 AS one FROM ${db.id(table)} LIMIT 1`)) as Row[];
  return rows.length > 0;
}

async function insertRows(
  qr: QueryRunner,
  dst: Sql,
  table: TableInfo,
  columns: string[],
  rows: Row[],
): Promise<void> {
  const kinds = new Map(table.columns.map((c) => [c.name, c.kind]));
  const perInsert = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const head = `INSERT INTO ${dst.id(table.name)} (${columns.map((c) => dst.id(c)).join(', ')}) VALUES `;
  for (let i = 0; i < rows.length; i += perInsert) {
    const chunk = rows.slice(i, i + perInsert);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const marks = columns.map((c) => {
        params.push(valueForTarget(row[c], kinds.get(c) ?? 'other', dst.dialect));
        return dst.param(params.length);
      });
      return `(${marks.join(', ')})`;
    });
    await qr.query(head + tuples.join(', '), params);
  }
}

interface ProgressRow {
  table_name: string;
  last_key: string | null;
  rows_copied: number;
  done: number;
  source: string | null;
}

async function readProgress(dst: Sql): Promise<Map<string, ProgressRow>> {
  const rows = (await dst.ds.query(`SELECT * FROM ${dst.id(PROGRESS_TABLE)}`)) as ProgressRow[];
  return new Map(
    rows.map((r) => [r.table_name, { ...r, rows_copied: Number(r.rows_copied), done: Number(r.done) }]),
  );
}

async function saveProgress(qr: QueryRunner, dst: Sql, row: ProgressRow): Promise<void> {
  await qr.query(`DELETE FROM ${dst.id(PROGRESS_TABLE)} WHERE ${dst.id('table_name')} = ${dst.param(1)}`, [
    row.table_name,
  ]);
  await qr.query(
    `INSERT INTO ${dst.id(PROGRESS_TABLE)} (${['table_name', 'last_key', 'rows_copied', 'done', 'source']
      .map((c) => dst.id(c))
      .join(', ')}) VALUES (${[1, 2, 3, 4, 5].map((i) => dst.param(i)).join(', ')})`,
    [row.table_name, row.last_key, row.rows_copied, row.done, row.source],
  );
}

async function inTransaction<T>(ds: DataSource, work: (qr: QueryRunner) => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  await qr.startTransaction();
  try {
    const result = await work(qr);
    await qr.commitTransaction();
    return result;
  } catch (error) {
    await qr.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await qr.release();
  }
}

/** Moves PostgreSQL sequences past the copied ids so the next insert does not collide. */
async function advanceSequences(dst: Sql, table: TableInfo): Promise<void> {
  if (dst.dialect !== 'postgres') return;
  for (const column of table.serialColumns) {
    await dst.ds.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(${dst.id(column)}), 0) + 1, false) FROM ${dst.id(table.name)}`,
      [dst.id(table.name), column],
    );
  }
}

/** The schema migrations the source has applied, as classes of this version (an unknown one is an error). */
async function sourceMigrations(src: Sql, tables: Map<string, TableInfo>): Promise<MigrationClass[]> {
  const all = MIGRATIONS as MigrationClass[];
  // A One API database has no schema_migrations: its tables are what the baseline describes.
  if (!tables.has(MIGRATIONS_TABLE)) return all.slice(0, 1);
  const rows = (await src.ds.query(
    `SELECT ${src.id('name')} AS name FROM ${src.id(MIGRATIONS_TABLE)}`,
  )) as Row[];
  const applied = new Set(rows.map((r) => String(r.name ?? r.NAME)));
  const known = new Map(all.map((m) => [new m().name ?? m.name, m]));
  const unknown = [...applied].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `the source has schema migrations this version does not know (${unknown.join(', ')}): run the migration tool of the version that wrote it`,
    );
  }
  return all.filter((m) => applied.has(new m().name ?? m.name));
}

function describeCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Copies every table of one gateway database into another (SQLite, PostgreSQL, MySQL, any direction): creates the
 * target schema at the source's migration level with the gateway's own migrations, copies rows in primary-key order in
 * batches (each batch and its progress mark in one transaction, so an interrupted run resumes where it stopped), moves
 * sequences, then verifies row counts and checksums of every table.
 */
export async function migrateDatabase(opts: MigrateOptions): Promise<MigrateReport> {
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  const log = opts.log ?? (() => undefined);
  const emit = opts.onProgress ?? (() => undefined);
  const from: Endpoint = parseEndpoint(opts.from);
  const to: Endpoint = parseEndpoint(opts.to);
  if (from.dialect === to.dialect && from.sqlDsn === to.sqlDsn && from.sqlitePath === to.sqlitePath) {
    throw new Error('--from and --to name the same database');
  }
  const sourceId = createHash('sha256')
    .update(`${from.dialect}|${from.label}|${from.sqlitePath}`)
    .digest('hex');

  const source = new Sql(await openEndpoint(from, { readOnly: true }));
  let target: Sql | undefined;
  try {
    const sourceTables = await readSchema(source.ds);
    sourceTables.delete(PROGRESS_TABLE);
    const migrations = await sourceMigrations(source, sourceTables);
    const dst = new Sql(await openEndpoint(to, { migrations, readOnly: opts.verifyOnly }));
    target = dst;
    let targetTables = await readSchema(target.ds);

    if (opts.verifyOnly) {
      return await verify(source, target, sourceTables, targetTables, batchSize, emit, log, {
        from: from.label,
        to: to.label,
        resumed: false,
        copiedRows: 0,
      });
    }

    // Resume, refuse or start over.
    let progress = new Map<string, ProgressRow>();
    if (targetTables.has(PROGRESS_TABLE)) progress = await readProgress(target);
    const marker = progress.get(SOURCE_MARKER);
    const resumable = marker !== undefined && marker.source === sourceId;
    const occupied: string[] = [];
    if (!resumable) {
      for (const name of targetTables.keys()) {
        if (name === PROGRESS_TABLE || name === MIGRATIONS_TABLE) continue;
        if (await hasRows(target, name)) occupied.push(name);
      }
    }
    if ((occupied.length > 0 || (marker && !resumable)) && !opts.force) {
      throw new TargetNotEmptyError(occupied.length > 0 ? occupied : [PROGRESS_TABLE]);
    }
    if (!resumable && (occupied.length > 0 || marker)) {
      log(`--force: deleting the rows of ${occupied.join(', ') || 'an unfinished run of another source'}`);
      for (const name of targetTables.keys()) {
        if (name === PROGRESS_TABLE) continue;
        await target.ds.query(`DELETE FROM ${target.id(name)}`);
      }
      if (targetTables.has(PROGRESS_TABLE)) await target.ds.query(`DROP TABLE ${target.id(PROGRESS_TABLE)}`);
      progress = new Map();
    }
    const resumed = resumable;

    // The target gets the source's schema level through the gateway's own migrations.
    const applied = await target.ds.runMigrations({ transaction: 'each' });
    for (const m of applied) log(`target schema: applied ${m.name}`);
    if (!resumed) {
      await target.ds.query(createTableSql(target.dialect, PROGRESS_SPEC));
      await inTransaction(target.ds, (qr) =>
        saveProgress(qr, dst, {
          table_name: SOURCE_MARKER,
          last_key: null,
          rows_copied: 0,
          done: 0,
          source: sourceId,
        }),
      );
    }
    targetTables = await readSchema(target.ds);

    // Every source table and column must have a home in the target.
    const problems: string[] = [];
    for (const table of sourceTables.values()) {
      const home = targetTables.get(table.name);
      if (!home) {
        problems.push(`table ${table.name} does not exist in this gateway's schema`);
        continue;
      }
      const missing = table.columns.filter((c) => !home.columns.some((h) => h.name === c.name));
      if (missing.length > 0)
        problems.push(
          `${table.name}: columns ${missing.map((c) => c.name).join(', ')} have no target column`,
        );
    }
    if (problems.length > 0)
      throw new Error(`the source does not fit the target schema:\n  - ${problems.join('\n  - ')}`);

    const order = [...sourceTables.keys()].sort((a, b) =>
      a === MIGRATIONS_TABLE ? 1 : b === MIGRATIONS_TABLE ? -1 : a.localeCompare(b),
    );
    const totals = new Map<string, number>();
    for (const name of order) totals.set(name, await countRows(source, name));
    emit({
      type: 'plan',
      resumed,
      tables: order.map((t) => ({ table: t, rows: totals.get(t) ?? 0, done: progress.get(t)?.done === 1 })),
    });
    log(
      `${resumed ? 'resuming' : 'copying'} ${order.length} tables from ${from.label} (${from.dialect}) to ${to.label} (${to.dialect}), ${batchSize} rows per batch`,
    );

    let copiedRows = 0;
    for (const name of order) {
      const srcTable = sourceTables.get(name);
      const dstTable = targetTables.get(name);
      if (!srcTable || !dstTable) continue;
      const total = totals.get(name) ?? 0;
      const state = progress.get(name);
      if (state?.done === 1) {
        log(`${name}: already copied (${describeCount(state.rows_copied)} rows)`);
        continue;
      }
      const columns = srcTable.columns.map((c) => c.name);
      let copied = state?.rows_copied ?? 0;
      let fresh = !state;
      const start = {
        after: state?.last_key ? (JSON.parse(state.last_key) as unknown[]) : null,
        offset: copied,
      };
      let lastLog = 0;
      for await (const rows of scan(source, srcTable, columns, batchSize, start)) {
        const last = keyOf(rows[rows.length - 1], srcTable.primaryKey);
        await inTransaction(target.ds, async (qr) => {
          // The migrations wrote the target's own schema_migrations rows; the source's replace them.
          if (fresh) await qr.query(`DELETE FROM ${dst.id(name)}`);
          await insertRows(qr, dst, dstTable, columns, rows);
          await saveProgress(qr, dst, {
            table_name: name,
            last_key: JSON.stringify(last),
            rows_copied: copied + rows.length,
            done: 0,
            source: sourceId,
          });
        });
        fresh = false;
        copied += rows.length;
        copiedRows += rows.length;
        emit({ type: 'batch', table: name, copied, total });
        const now = Date.now();
        if (now - lastLog > 1000 || copied >= total) {
          lastLog = now;
          const pct = total > 0 ? ((100 * copied) / total).toFixed(1) : '100.0';
          log(`${name}: ${describeCount(copied)}/${describeCount(total)} rows (${pct}%)`);
        }
      }
      await inTransaction(target.ds, async (qr) => {
        if (fresh) await qr.query(`DELETE FROM ${dst.id(name)}`);
        await saveProgress(qr, dst, {
          table_name: name,
          last_key: null,
          rows_copied: copied,
          done: 1,
          source: sourceId,
        });
      });
      if (total === 0) log(`${name}: empty`);
      await advanceSequences(target, dstTable);
      emit({ type: 'table-done', table: name, copied });
    }

    const report = await verify(source, target, sourceTables, targetTables, batchSize, emit, log, {
      from: from.label,
      to: to.label,
      resumed,
      copiedRows,
    });
    if (report.ok) await target.ds.query(`DROP TABLE ${target.id(PROGRESS_TABLE)}`);
    else log('verification failed: the progress table is kept; fix the cause and run the same command again');
    return report;
  } finally {
    await source.ds.destroy().catch(() => undefined);
    await target?.ds.destroy().catch(() => undefined);
  }
}

async function verify(
  source: Sql,
  target: Sql,
  sourceTables: Map<string, TableInfo>,
  targetTables: Map<string, TableInfo>,
  batchSize: number,
  emit: (e: ProgressEvent) => void,
  log: (line: string) => void,
  head: Omit<MigrateReport, 'tables' | 'ok'>,
): Promise<MigrateReport> {
  const tables: TableReport[] = [];
  const names = new Set([...sourceTables.keys(), ...targetTables.keys()]);
  names.delete(PROGRESS_TABLE);
  for (const name of [...names].sort()) {
    const s = sourceTables.get(name);
    const t = targetTables.get(name);
    // Columns the target adds (a newer schema) hold defaults and are not part of the comparison.
    const columns = (s ?? t ?? { columns: [] }).columns
      .map((c) => c.name)
      .filter((c) => !s || !t || t.columns.some((x) => x.name === c));
    const a = s ? await checksumOf(source, s, columns, batchSize) : new TableChecksum();
    const b = t ? await checksumOf(target, t, columns, batchSize) : new TableChecksum();
    // A One API source has no schema_migrations (the target's own rows then describe the target); a table only the
    // target has must be empty.
    const skip = !s && (name === MIGRATIONS_TABLE || b.rows === 0);
    const ok = skip || (!!s && !!t && a.rows === b.rows && a.hex === b.hex);
    tables.push({
      table: name,
      sourceRows: a.rows,
      targetRows: b.rows,
      sourceChecksum: a.hex,
      targetChecksum: b.hex,
      ok,
    });
    emit({ type: 'verify', table: name, ok });
    log(
      `verify ${name}: ${a.rows} → ${b.rows} rows, checksum ${b.hex.slice(0, 16)} ${ok ? 'ok' : 'MISMATCH'}`,
    );
  }
  return { ...head, tables, ok: tables.every((t) => t.ok) };
}

/** The base tables of a database, the migration tool's progress table included. */
export async function tableNames(dsn: string): Promise<string[]> {
  const ds = await openEndpoint(parseEndpoint(dsn), { readOnly: true });
  try {
    return [...(await readSchema(ds)).keys()].sort();
  } finally {
    await ds.destroy();
  }
}

/** Row count and checksum of every table of one database (what the verification compares). */
export async function databaseChecksums(
  dsn: string,
  batchSize = 1000,
): Promise<Record<string, { rows: number; checksum: string }>> {
  const db = new Sql(await openEndpoint(parseEndpoint(dsn), { readOnly: true }));
  try {
    const tables = await readSchema(db.ds);
    const out: Record<string, { rows: number; checksum: string }> = {};
    for (const table of [...tables.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (table.name === PROGRESS_TABLE) continue;
      const sum = await checksumOf(
        db,
        table,
        table.columns.map((c) => c.name),
        batchSize,
      );
      out[table.name] = { rows: sum.rows, checksum: sum.hex };
    }
    return out;
  } finally {
    await db.ds.destroy();
  }
}
