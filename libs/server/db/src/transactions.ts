import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs work in a transaction. SQLite has one connection in this process, so its transactions are queued
 * rather than interleaved; PostgreSQL and MySQL run them concurrently on pooled connections.
 */
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  get isSqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.isSqlite) return this.dataSource.transaction(work);
    const next = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = next.catch(() => undefined);
    return next;
  }
}
