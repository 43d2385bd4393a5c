import { DataSource } from 'typeorm';
import type { Dialect } from '@one-api/server-db';

/** How a column's values are compared and written across engines. */
export type ValueKind = 'text' | 'char' | 'number' | 'bool' | 'other';

export interface ColumnInfo {
  name: string;
  /** the engine's own type name, lower case (e.g. `bigint`, `character`, `tinyint`, `varchar(191)`) */
  type: string;
  kind: ValueKind;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  /** primary key columns in key order (empty when the table has none) */
  primaryKey: string[];
  /** columns filled from a sequence (PostgreSQL), to be moved past the copied ids */
  serialColumns: string[];
}

export function dialectOfDataSource(ds: DataSource): Dialect {
  const type = ds.options.type;
  if (type === 'postgres') return 'postgres';
  if (type === 'mysql' || type === 'mariadb') return 'mysql';
  return 'sqlite';
}

function kindOf(dialect: Dialect, type: string): ValueKind {
  const t = type.toLowerCase();
  if (dialect === 'postgres' && t === 'boolean') return 'bool';
  if (/^(character|char|bpchar|nchar)\b/.test(t) && !/varying/.test(t)) return 'char';
  if (/char|text|clob|json|enum/.test(t)) return 'text';
  if (/int|real|double|float|numeric|decimal|bool/.test(t)) return 'number';
  return 'other';
}

type Row = Record<string, unknown>;

/** Every base table with its columns (in table order) and primary key; the engine's own catalog is the truth. */
export async function readSchema(ds: DataSource): Promise<Map<string, TableInfo>> {
  const dialect = dialectOfDataSource(ds);
  const tables = new Map<string, TableInfo>();
  if (dialect === 'sqlite') {
    const names = (await ds.query(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    )) as Array<{ name: string }>;
    for (const { name } of names) {
      const cols = (await ds.query(`PRAGMA table_info(\`${name}\`)`)) as Array<{
        name: string;
        type: string;
        pk: number;
      }>;
      tables.set(name, {
        name,
        columns: cols.map((c) => ({
          name: c.name,
          type: c.type.toLowerCase(),
          kind: kindOf(dialect, c.type),
        })),
        primaryKey: cols
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        serialColumns: [],
      });
    }
    return tables;
  }
  const schemaFilter = dialect === 'postgres' ? 'current_schema()' : 'DATABASE()';
  const cols = (await ds.query(
    `SELECT c.table_name AS t, c.column_name AS c, c.data_type AS dt, c.column_default AS def
       FROM information_schema.columns c
       JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
      WHERE c.table_schema = ${schemaFilter} AND tb.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  )) as Row[];
  for (const row of cols) {
    // MySQL returns information_schema names upper-cased unless aliased; the aliases above keep them uniform.
    const table = String(row.t ?? row.T);
    const column = String(row.c ?? row.C);
    const dataType = String(row.dt ?? row.DT).toLowerCase();
    const def = row.def ?? row.DEF;
    let info = tables.get(table);
    if (!info) {
      info = { name: table, columns: [], primaryKey: [], serialColumns: [] };
      tables.set(table, info);
    }
    info.columns.push({ name: column, type: dataType, kind: kindOf(dialect, dataType) });
    if (dialect === 'postgres' && typeof def === 'string' && def.startsWith('nextval('))
      info.serialColumns.push(column);
  }
  const keys = (await ds.query(
    dialect === 'postgres'
      ? `SELECT kcu.table_name AS t, kcu.column_name AS c
           FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage kcu
             ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name
          WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'
          ORDER BY kcu.table_name, kcu.ordinal_position`
      : `SELECT table_name AS t, column_name AS c FROM information_schema.key_column_usage
          WHERE table_schema = DATABASE() AND constraint_name = 'PRIMARY'
          ORDER BY table_name, ordinal_position`,
  )) as Row[];
  for (const row of keys) {
    tables.get(String(row.t ?? row.T))?.primaryKey.push(String(row.c ?? row.C));
  }
  return tables;
}
