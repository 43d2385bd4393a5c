import { ColumnSpec, TableSpec } from './one-api-tables';

export type Dialect = 'sqlite' | 'postgres' | 'mysql';

export function quoteIdent(dialect: Dialect, name: string): string {
  return dialect === 'mysql' || dialect === 'sqlite' ? `\`${name}\`` : `"${name}"`;
}

function indexedColumns(table: TableSpec): Set<string> {
  const names = new Set<string>(table.primaryKey);
  for (const idx of [...table.indexes, ...(table.uniqueConstraints ?? [])])
    idx.columns.forEach((c) => names.add(c));
  for (const col of table.columns) if (col.indexed) names.add(col.name);
  return names;
}

function sqlType(dialect: Dialect, col: ColumnSpec, indexed: boolean): string {
  const t = col.type;
  switch (dialect) {
    case 'sqlite':
      switch (t.kind) {
        case 'id':
        case 'int':
          return 'integer';
        case 'text':
          return 'text';
        case 'varchar':
          return `varchar(${t.size})`;
        case 'char':
          return `char(${t.size})`;
        case 'bool':
          return 'numeric';
        case 'real':
          return 'real';
      }
      break;
    case 'postgres':
      switch (t.kind) {
        case 'id':
          return 'bigserial';
        case 'int':
          return 'bigint';
        case 'text':
          return 'text';
        case 'varchar':
          return `varchar(${t.size})`;
        case 'char':
          return `char(${t.size})`;
        case 'bool':
          return 'boolean';
        case 'real':
          return 'decimal';
      }
      break;
    case 'mysql': {
      const collate = col.binary ? ' COLLATE utf8mb4_bin' : '';
      switch (t.kind) {
        case 'id':
          return 'bigint AUTO_INCREMENT';
        case 'int':
          return 'bigint';
        case 'text':
          return (indexed || col.default !== undefined ? 'varchar(191)' : 'longtext') + collate;
        case 'varchar':
          return `varchar(${t.size})${collate}`;
        case 'char':
          return `char(${t.size})`;
        case 'bool':
          return 'boolean';
        case 'real':
          return 'double';
      }
    }
  }
  throw new Error(`unknown column kind for ${col.name}`);
}

function sqlDefault(dialect: Dialect, value: string | number | boolean): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // gorm renders SQLite string defaults with double quotes; keep that so the DDL reads like One API's.
  return dialect === 'sqlite' ? `"${value}"` : `'${value.replace(/'/g, "''")}'`;
}

export function columnDefinition(dialect: Dialect, table: TableSpec, col: ColumnSpec): string {
  const indexed = indexedColumns(table).has(col.name);
  let def = `${quoteIdent(dialect, col.name)} ${sqlType(dialect, col, indexed)}`;
  if (col.notNull) def += ' NOT NULL';
  if (col.default !== undefined) def += ` DEFAULT ${sqlDefault(dialect, col.default)}`;
  return def;
}

export function createTableSql(dialect: Dialect, table: TableSpec): string {
  const q = (n: string) => quoteIdent(dialect, n);
  const parts = table.columns.map((c) => columnDefinition(dialect, table, c));
  parts.push(`PRIMARY KEY (${table.primaryKey.map(q).join(',')})`);
  for (const u of table.uniqueConstraints ?? []) {
    parts.push(`CONSTRAINT ${q(u.name)} UNIQUE (${u.columns.map(q).join(',')})`);
  }
  const tail = dialect === 'mysql' ? ' DEFAULT CHARSET=utf8mb4' : '';
  return `CREATE TABLE IF NOT EXISTS ${q(table.name)} (${parts.join(',')})${tail}`;
}

export function createIndexSql(
  dialect: Dialect,
  table: TableSpec,
  index: TableSpec['indexes'][number],
): string {
  const q = (n: string) => quoteIdent(dialect, n);
  const ifNotExists = dialect === 'mysql' ? '' : 'IF NOT EXISTS ';
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${ifNotExists}${q(index.name)} ON ${q(table.name)}(${index.columns
    .map(q)
    .join(',')})`;
}

export function addColumnSql(dialect: Dialect, table: TableSpec, col: ColumnSpec): string {
  return `ALTER TABLE ${quoteIdent(dialect, table.name)} ADD COLUMN ${columnDefinition(dialect, table, col)}`;
}
