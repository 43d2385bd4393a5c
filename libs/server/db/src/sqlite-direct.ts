import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** The part of better-sqlite3's API used here (kept structural so this lib does not depend on its types). */
interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  readonly inTransaction: boolean;
}

type SqlValue = string | number | bigint | Buffer | null;

function toSqlValue(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') return value;
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/**
 * Synchronous, prepared-once statements on the embedded SQLite connection. better-sqlite3 is synchronous anyway;
 * going through TypeORM costs more in SQL building and promise plumbing than SQLite spends on the statement, and a
 * synchronous transaction cannot interleave with anything else on the event loop. Only for the hot writes (quota
 * holds, settlement batches, traces); everything else keeps using TypeORM.
 */
export class SqliteDirect {
  private readonly statements = new Map<string, SqliteStatement>();
  private readonly inserts = new Map<string, { sql: string; properties: string[] }>();

  private constructor(
    private readonly dataSource: DataSource,
    private readonly db: SqliteDatabase,
  ) {}

  /** The direct path when the data source is better-sqlite3 and connected, else undefined. */
  static of(dataSource: DataSource): SqliteDirect | undefined {
    if (dataSource.options.type !== 'better-sqlite3') return undefined;
    const db = (dataSource.driver as unknown as { databaseConnection?: SqliteDatabase }).databaseConnection;
    return db ? new SqliteDirect(dataSource, db) : undefined;
  }

  /**
   * A transaction TypeORM opened (an admin write awaiting between its statements) is in progress on the shared
   * connection; a statement run now would become part of it.
   */
  get busy(): boolean {
    return this.db.inTransaction;
  }

  /** Runs a write and returns how many rows it changed. */
  run(sql: string, params: readonly unknown[]): number {
    return this.statement(sql).run(...params.map(toSqlValue)).changes;
  }

  /** Runs `work` in one transaction, synchronously. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** Inserts plain objects keyed by an entity's property names, one prepared single-row INSERT per row. */
  insertAll(target: EntityTarget<ObjectLiteral>, rows: readonly ObjectLiteral[]): void {
    for (const row of rows) {
      const keys = Object.keys(row);
      const { sql, properties } = this.insertFor(target, keys);
      this.statement(sql).run(...properties.map((p) => toSqlValue(row[p])));
    }
  }

  /** Inserts rows keyed by column names into a table without an entity; rows whose key already exists are skipped. */
  insertRawIgnoringDuplicates(table: string, rows: readonly object[]): void {
    for (const item of rows) {
      const row = item as Record<string, unknown>;
      const columns = Object.keys(row);
      const sql = `INSERT OR IGNORE INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
      this.statement(sql).run(...columns.map((c) => toSqlValue(row[c])));
    }
  }

  /** Resolves once no TypeORM transaction is open, so a synchronous transaction does not nest inside it. */
  async whenIdle(maxWaitMs = 5000): Promise<void> {
    const until = Date.now() + maxWaitMs;
    while (this.busy && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  private statement(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private insertFor(
    target: EntityTarget<ObjectLiteral>,
    keys: string[],
  ): { sql: string; properties: string[] } {
    const metadata = this.dataSource.getMetadata(target);
    const cacheKey = `${metadata.tableName}\u0000${keys.join('\u0000')}`;
    let insert = this.inserts.get(cacheKey);
    if (!insert) {
      const columns = keys.map((key) => {
        const column = metadata.findColumnWithPropertyName(key);
        if (!column) throw new Error(`${metadata.tableName} has no property ${key}`);
        return column.databaseName;
      });
      insert = {
        sql: `INSERT INTO "${metadata.tableName}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        properties: keys,
      };
      this.inserts.set(cacheKey, insert);
    }
    return insert;
  }
}
