import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RedisService } from '@one-api/server-redis';
import { InProcessQueueDriver } from './in-process.driver';
import { JobMap, JobName, JobOptions, QueueCounts, QueueDriver } from './job-map';

/**
 * Jobs in Redis through BullMQ: they survive restarts, any process running the processors (the API by default, or
 * apps/worker) takes them, and a job whose worker died is picked up again (stalled-job check). Keys become BullMQ
 * de-duplication ids. While Redis is unreachable, jobs run in this process instead of waiting for it.
 */
export class BullMqQueueDriver implements QueueDriver {
  readonly kind = 'bullmq' as const;
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly queue: Queue,
    private readonly redis: RedisService,
    private readonly fallback: InProcessQueueDriver,
  ) {
    queue.on('error', (error: Error) => this.logger.warn(`queue: ${error.message}`));
  }

  async add<N extends JobName>(name: N, data: JobMap[N], options: JobOptions = {}): Promise<void> {
    if (!this.redis.available) return this.fallback.add(name, data, options);
    await this.queue.add(name, data, {
      attempts: Math.max(1, options.attempts ?? 3),
      backoff: { type: 'exponential', delay: 1000 },
      delay: options.delayMs,
      removeOnComplete: 1000,
      removeOnFail: 5000,
      ...(options.key ? { deduplication: { id: options.key } } : {}),
    });
  }

  async schedule<N extends JobName>(name: N, everyMs: number, data: JobMap[N]): Promise<void> {
    await this.queue.upsertJobScheduler(
      name,
      { every: everyMs },
      { name, data, opts: { removeOnComplete: 100, removeOnFail: 500 } },
    );
  }

  async unschedule(name: JobName): Promise<void> {
    await this.queue.removeJobScheduler(name);
  }

  async counts(): Promise<QueueCounts> {
    if (!this.redis.available) return this.fallback.counts();
    const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    return {
      waiting: c.waiting ?? 0,
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      completed: c.completed ?? 0,
    };
  }
}
