import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { types as pgTypes } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { AppConfig } from '@one-api/server-config';
import { resolveDatabaseTarget } from './dsn';
import { ENTITIES } from './entities';
import { initializeDataSource } from './migration-lock';
import { MIGRATIONS } from './migrations';

// One API stores quotas in int64 columns; JavaScript numbers hold them exactly (≤ 2^53), so read them as numbers.
pgTypes.setTypeParser(20, (v) => Number.parseInt(v, 10));
pgTypes.setTypeParser(1700, (v) => Number.parseFloat(v));

export type DbConfig = Pick<
  AppConfig,
  | 'sqlDsn'
  | 'sqlitePath'
  | 'sqliteBusyTimeout'
  | 'sqlMaxIdleConns'
  | 'sqlMaxOpenConns'
  | 'sqlMaxLifetime'
  | 'debugSql'
> & { nodeType?: AppConfig['nodeType'] };

export function buildDataSourceOptions(config: DbConfig): DataSourceOptions {
  const target = resolveDatabaseTarget(config.sqlDsn, config.sqlitePath);
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    // One API's `slave` nodes never migrate: the master owns the schema.
    migrationsRun: config.nodeType !== 'slave',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: config.debugSql,
  } as const;
  if (target.type === 'sqlite') {
    const file = target.path === ':memory:' ? ':memory:' : resolve(target.path);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: file,
      enableWAL: file !== ':memory:',
      timeout: config.sqliteBusyTimeout,
      // WAL with synchronous=NORMAL cannot corrupt the database; only the last commits may be lost on power failure
      // (not on a process crash), and commits stop waiting for fsync — the relay writes on every request.
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  const max = Math.max(1, Math.min(config.sqlMaxOpenConns, 200));
  if (target.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: target.url,
      extra: {
        max,
        idleTimeoutMillis: 30_000,
        maxLifetimeSeconds: config.sqlMaxLifetime || undefined,
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    host: target.host,
    port: target.port,
    username: target.user,
    password: target.password,
    database: target.database,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: false,
    extra: {
      connectionLimit: max,
      maxIdle: Math.min(max, Math.max(0, config.sqlMaxIdleConns)),
      idleTimeout: 60_000,
    },
  };
}

/** Opens the database; pending migrations are applied during initialisation (not on a `slave` node). */
export async function openDataSource(config: DbConfig): Promise<DataSource> {
  return initializeDataSource(buildDataSourceOptions(config));
}
