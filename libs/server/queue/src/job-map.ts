/**
 * Every background job, by name, with its payload: the one place job names and payload types are declared.
 * Producers and processors of both drivers (BullMQ, in-process) are typed by this map.
 */
export interface JobMap {
  /** Writes the quota changes held in Redis (BATCH_UPDATE_ENABLED) to the database. */
  'quota-flush': Record<string, never>;
  /** Tests one channel; applies One API's auto-disable / auto-enable rules. */
  'channel-test': { channelId: number; model?: string };
  /** Tests many channels one after the other (`CHANNEL_TEST_FREQUENCY`, `GET /api/channel/test`). */
  'channel-test-sweep': { scope: 'all' | 'disabled' | 'auto-disabled' };
  /** Deletes log rows older than LOG_RETENTION_DAYS. */
  'log-retention': Record<string, never>;
  /** Deletes traces older than TRACE_RETENTION_DAYS. */
  'trace-retention': Record<string, never>;
}

export type JobName = keyof JobMap;

export const JOB_NAMES: readonly JobName[] = [
  'quota-flush',
  'channel-test',
  'channel-test-sweep',
  'log-retention',
  'trace-retention',
];

export interface JobOptions {
  /** While a job with this key is waiting or running, adding another one with the same key does nothing. */
  key?: string;
  delayMs?: number;
  /** Tries before the job is given up (default 3, with growing back-off). */
  attempts?: number;
}

export interface JobContext {
  id: string;
  /** 1 for the first try */
  attempt: number;
}

export type JobHandler<N extends JobName> = (data: JobMap[N], context: JobContext) => Promise<void>;

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/** What both drivers do: enqueue, repeat on a schedule, report depth. */
export interface QueueDriver {
  readonly kind: 'bullmq' | 'in-process';
  add<N extends JobName>(name: N, data: JobMap[N], options?: JobOptions): Promise<void>;
  /** Runs `name` every `everyMs` (idempotent: replaces an earlier schedule of the same name). */
  schedule<N extends JobName>(name: N, everyMs: number, data: JobMap[N]): Promise<void>;
  unschedule(name: JobName): Promise<void>;
  counts(): Promise<QueueCounts>;
}

export const QUEUE_DRIVER = Symbol('QUEUE_DRIVER');
export const QUEUE_NAME = 'jobs';
