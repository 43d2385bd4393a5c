import { existsSync } from 'node:fs';
import { DataSource, DataSourceOptions, MigrationInterface } from 'typeorm';
import { buildDataSourceOptions, Dialect, resolveDatabaseTarget } from '@one-api/server-db';

/** Where one side of a migration lives, resolved with the gateway's own SQL_DSN / SQLITE_PATH rules. */
export interface Endpoint {
  /** the DSN as the user gave it, with any password masked (for messages) */
  label: string;
  dialect: Dialect;
  sqlDsn: string;
  sqlitePath: string;
}

const SQLITE_FILE = /\.(db|sqlite3?)$/i;

/**
 * Accepts everything SQL_DSN accepts (postgres://…, mysql://…, One API's Go MySQL form user:pass@tcp(host:3306)/db)
 * plus SQLite as `sqlite:<path>`, `file:<path>` or a bare path to a `.db` / `.sqlite` file.
 */
export function parseEndpoint(dsn: string): Endpoint {
  const raw = dsn.trim();
  if (raw === '') throw new Error('empty DSN');
  let sqlDsn = raw;
  let sqlitePath = '';
  const looksLikePath = !raw.includes('://') && !/@|\btcp\(|\bunix\(/.test(raw);
  if (/^(sqlite|file):/i.test(raw)) {
    const target = resolveDatabaseTarget(raw, '');
    sqlDsn = '';
    sqlitePath = target.type === 'sqlite' ? target.path : '';
  } else if (looksLikePath && (SQLITE_FILE.test(raw) || existsSync(raw))) {
    sqlDsn = '';
    sqlitePath = raw;
  }
  const target = resolveDatabaseTarget(sqlDsn, sqlitePath);
  if (target.type === 'sqlite' && !target.path) throw new Error(`no SQLite file in "${raw}"`);
  return { label: maskPassword(raw), dialect: target.type, sqlDsn, sqlitePath };
}

export function maskPassword(dsn: string): string {
  // URL form scheme://user:pass@host, Go form user:pass@tcp(host)
  return dsn
    .replace(/^([a-z][\w+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@')
    .replace(/^([^:/@()]*:)[^@]*@(\w*\()/, '$1***@$2');
}

export interface OpenOptions {
  /** open for reading only (the source): never migrates, never changes the journal mode of a SQLite file */
  readOnly?: boolean;
  migrations?: Array<new () => MigrationInterface>;
}

export async function openEndpoint(endpoint: Endpoint, opts: OpenOptions = {}): Promise<DataSource> {
  if (endpoint.dialect === 'sqlite' && opts.readOnly && !existsSync(endpoint.sqlitePath)) {
    throw new Error(`SQLite file not found: ${endpoint.sqlitePath}`);
  }
  const base = buildDataSourceOptions({
    sqlDsn: endpoint.sqlDsn,
    sqlitePath: endpoint.sqlitePath || 'unused.db',
    sqliteBusyTimeout: 10000,
    sqlMaxIdleConns: 2,
    sqlMaxOpenConns: 4,
    sqlMaxLifetime: 0,
    debugSql: false,
    nodeType: 'master',
  });
  const options = {
    ...base,
    entities: [],
    migrations: opts.migrations ?? [],
    migrationsRun: false,
    ...(base.type === 'better-sqlite3' && opts.readOnly
      ? { readonly: true, fileMustExist: true, enableWAL: false }
      : {}),
  } as DataSourceOptions;
  return new DataSource(options).initialize();
}
