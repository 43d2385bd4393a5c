import { DataSource, Migration } from 'typeorm';

/** Name of the database-wide lock that serialises schema migrations between replicas. */
export const MIGRATION_LOCK_NAME = 'one_api_schema_migrations';
// pg_advisory_lock takes a 64-bit key: a fixed number derived from the name above.
const PG_LOCK_KEY = 7305918370114256001n;
const MYSQL_LOCK_TIMEOUT_S = 600;

/**
 * Applies pending migrations while holding a database-wide lock (PostgreSQL advisory lock, MySQL GET_LOCK), so replicas
 * that start together — several API pods, the worker, a rolling upgrade — migrate one after the other: the first
 * applies, the others find nothing pending. SQLite is a single file with one writer and needs none.
 */
export async function runMigrationsExclusively(ds: DataSource): Promise<Migration[]> {
  const type = ds.options.type;
  if (type !== 'postgres' && type !== 'mysql' && type !== 'mariadb') {
    return ds.runMigrations({ transaction: 'each' });
  }
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    if (type === 'postgres') {
      await lock.query('SELECT pg_advisory_lock($1)', [PG_LOCK_KEY.toString()]);
    } else {
      const [row] = (await lock.query('SELECT GET_LOCK(?, ?) AS got', [
        MIGRATION_LOCK_NAME,
        MYSQL_LOCK_TIMEOUT_S,
      ])) as Array<{
        got: number | null;
      }>;
      if (Number(row?.got) !== 1)
        throw new Error(`could not take the ${MIGRATION_LOCK_NAME} lock in ${MYSQL_LOCK_TIMEOUT_S}s`);
    }
    try {
      return await ds.runMigrations({ transaction: 'each' });
    } finally {
      if (type === 'postgres') await lock.query('SELECT pg_advisory_unlock($1)', [PG_LOCK_KEY.toString()]);
      else await lock.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK_NAME]);
    }
  } finally {
    await lock.release();
  }
}

/** Opens a data source; when its options ask for migrations, applies them under the migration lock. */
export async function initializeDataSource(options: DataSource['options']): Promise<DataSource> {
  const ds = await new DataSource({ ...options, migrationsRun: false }).initialize();
  if (options.migrationsRun) {
    try {
      await runMigrationsExclusively(ds);
    } catch (error) {
      await ds.destroy().catch(() => undefined);
      throw error;
    }
  }
  return ds;
}
