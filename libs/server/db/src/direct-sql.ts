import { DataSource } from 'typeorm';

/**
 * Fixed SQL statements for hot paths, written once with `?` placeholders and rewritten to the engine's own
 * (`$1…` on PostgreSQL): no query builder on every request, and the driver can reuse its prepared statement.
 */
export class DirectSql {
  private readonly postgres: boolean;
  private readonly cache = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  private sql(text: string): string {
    if (!this.postgres) return text;
    let sql = this.cache.get(text);
    if (sql === undefined) {
      let n = 0;
      sql = text.replace(/\?/g, () => `$${++n}`);
      this.cache.set(text, sql);
    }
    return sql;
  }

  /** Runs a write and returns how many rows it changed. */
  async execute(text: string, params: unknown[]): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(this.sql(text), params, true);
      return Number(result.affected ?? 0);
    } finally {
      await runner.release();
    }
  }
}
