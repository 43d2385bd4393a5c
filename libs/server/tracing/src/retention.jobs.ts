import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { unixNow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { JobQueue, JobRegistry } from '@one-api/server-queue';

const DAY_MS = 86_400_000;
const BATCH = 5000;

/** Daily clean-up jobs: log rows older than LOG_RETENTION_DAYS, traces older than TRACE_RETENTION_DAYS. */
@Injectable()
export class RetentionJobs implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly registry: JobRegistry,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register('log-retention', async () => {
      await this.purge('logs', this.config.logRetentionDays);
    });
    this.registry.register('trace-retention', async () => {
      await this.purge('traces', this.config.traceRetentionDays);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.nodeType === 'slave') return;
    try {
      for (const [job, days] of [
        ['log-retention', this.config.logRetentionDays],
        ['trace-retention', this.config.traceRetentionDays],
      ] as const) {
        if (days > 0) await this.queue.schedule(job, DAY_MS, {});
        else await this.queue.unschedule(job);
      }
    } catch (error) {
      this.logger.warn(`could not schedule retention jobs: ${(error as Error).message}`);
    }
  }

  /** Deletes rows created more than `days` days ago, in batches; returns how many. Idempotent. */
  async purge(table: 'logs' | 'traces', days: number): Promise<number> {
    if (days <= 0) return 0;
    const cutoff = unixNow() - days * 86_400;
    let total = 0;
    for (;;) {
      const ids = (await this.dataSource
        .createQueryBuilder()
        .select('t.id', 'id')
        .from(table, 't')
        .where('t.created_at < :cutoff', { cutoff })
        .limit(BATCH)
        .getRawMany()) as Array<{ id: number }>;
      if (ids.length === 0) break;
      await this.dataSource
        .createQueryBuilder()
        .delete()
        .from(table)
        .whereInIds(ids.map((r) => Number(r.id)))
        .execute();
      total += ids.length;
      if (ids.length < BATCH) break;
    }
    if (total > 0) this.logger.log(`deleted ${total} ${table} row(s) older than ${days} day(s)`);
    return total;
  }
}
