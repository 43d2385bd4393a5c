import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { JobMap, JobName, JobOptions, QueueCounts, QueueDriver } from './job-map';
import { JobRegistry } from './job-registry';

interface Pending {
  id: string;
  name: JobName;
  data: unknown;
  key?: string;
  attempts: number;
  attempt: number;
}

const CONCURRENCY = 2;

/**
 * Jobs in this process's memory (no Redis): runs them here, a few at a time, retrying with back-off; schedules are
 * timers. Keys de-duplicate waiting and running jobs. Jobs still queued at exit are lost, which is why deployments
 * with more than one process use Redis (BullMQ).
 */
@Injectable()
export class InProcessQueueDriver implements QueueDriver, BeforeApplicationShutdown {
  readonly kind = 'in-process' as const;
  private readonly logger = new Logger('Jobs');
  private readonly waiting: Pending[] = [];
  private readonly keys = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly schedules = new Map<JobName, NodeJS.Timeout>();
  private running = 0;
  private seq = 0;
  private failed = 0;
  private completed = 0;
  private delayed = 0;
  private stopped = false;
  private idle: Array<() => void> = [];

  constructor(private readonly registry: JobRegistry) {}

  async add<N extends JobName>(name: N, data: JobMap[N], options: JobOptions = {}): Promise<void> {
    if (this.stopped) return;
    if (options.key) {
      if (this.keys.has(options.key)) return;
      this.keys.add(options.key);
    }
    const job: Pending = {
      id: String(++this.seq),
      name,
      data,
      key: options.key,
      attempts: Math.max(1, options.attempts ?? 3),
      attempt: 0,
    };
    if (options.delayMs && options.delayMs > 0) this.later(job, options.delayMs);
    else this.enqueue(job);
  }

  async schedule<N extends JobName>(name: N, everyMs: number, data: JobMap[N]): Promise<void> {
    await this.unschedule(name);
    const timer = setInterval(() => void this.add(name, data, { key: `schedule:${name}` }), everyMs);
    timer.unref();
    this.schedules.set(name, timer);
  }

  async unschedule(name: JobName): Promise<void> {
    const timer = this.schedules.get(name);
    if (timer) clearInterval(timer);
    this.schedules.delete(name);
  }

  async counts(): Promise<QueueCounts> {
    return {
      waiting: this.waiting.length,
      active: this.running,
      delayed: this.delayed,
      failed: this.failed,
      completed: this.completed,
    };
  }

  /** Stops scheduling and waits (at most 10 s) for running jobs, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.schedules.values()) clearInterval(timer);
    for (const timer of this.timers) clearTimeout(timer);
    this.waiting.length = 0;
    if (this.running === 0) return;
    await Promise.race([
      new Promise<void>((resolve) => this.idle.push(resolve)),
      new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
    ]);
  }

  private later(job: Pending, ms: number): void {
    this.delayed++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.delayed--;
      this.enqueue(job);
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private enqueue(job: Pending): void {
    if (this.stopped) return;
    this.waiting.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < CONCURRENCY) {
      const job = this.waiting.shift();
      if (!job) return;
      this.start(job);
    }
  }

  private start(job: Pending): void {
    this.running++;
    job.attempt++;
    void this.registry
      .run(job.name, job.data as never, { id: job.id, attempt: job.attempt })
      .then(
        () => {
          this.completed++;
          if (job.key) this.keys.delete(job.key);
        },
        () => {
          if (job.attempt < job.attempts && !this.stopped) this.later(job, 1000 * 2 ** (job.attempt - 1));
          else {
            this.failed++;
            if (job.key) this.keys.delete(job.key);
            this.logger.error(`job ${job.name} #${job.id} given up after ${job.attempt} tries`);
          }
        },
      )
      .finally(() => {
        this.running--;
        if (this.running === 0) this.idle.splice(0).forEach((resolve) => resolve());
        this.pump();
      });
  }
}
