import { QueryRunner } from 'typeorm';
import { addColumnSql, createIndexSql, createTableSql, Dialect } from './ddl';
import { TableSpec } from './one-api-tables';

export function dialectOf(queryRunner: QueryRunner): Dialect {
  const type = queryRunner.connection.options.type;
  if (type === 'postgres') return 'postgres';
  if (type === 'mysql' || type === 'mariadb') return 'mysql';
  return 'sqlite';
}

async function existingColumns(qr: QueryRunner, dialect: Dialect, table: string): Promise<Set<string>> {
  let rows: Array<{ name: string }>;
  if (dialect === 'sqlite') {
    rows = await qr.query(`PRAGMA table_info(\`${table}\`)`);
  } else if (dialect === 'postgres') {
    rows = await qr.query(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
      [table],
    );
  } else {
    rows = await qr.query(
      `SELECT COLUMN_NAME AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?`,
      [table],
    );
  }
  return new Set(rows.map((r) => r.name));
}

async function existingIndexes(qr: QueryRunner, dialect: Dialect, table: string): Promise<Set<string>> {
  let rows: Array<{ name: string }>;
  if (dialect === 'sqlite') rows = await qr.query(`PRAGMA index_list(\`${table}\`)`);
  else if (dialect === 'postgres')
    rows = await qr.query(
      `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1`,
      [table],
    );
  else
    rows = await qr.query(
      `SELECT DISTINCT INDEX_NAME AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ?`,
      [table],
    );
  return new Set(rows.map((r) => r.name));
}

/**
 * Creates what is missing and never touches what exists: a fresh database gets One API's exact tables; a database
 * written by an older One API gets only the columns and indexes it lacks, so nothing is dropped, renamed or retyped.
 */
export async function ensureTables(qr: QueryRunner, tables: TableSpec[]): Promise<void> {
  const dialect = dialectOf(qr);
  for (const table of tables) {
    const columns = await existingColumns(qr, dialect, table.name);
    if (columns.size === 0) {
      await qr.query(createTableSql(dialect, table));
    } else {
      for (const col of table.columns) {
        if (!columns.has(col.name)) await qr.query(addColumnSql(dialect, table, col));
      }
    }
    const indexes = await existingIndexes(qr, dialect, table.name);
    for (const index of table.indexes) {
      if (!indexes.has(index.name)) await qr.query(createIndexSql(dialect, table, index));
    }
  }
}
