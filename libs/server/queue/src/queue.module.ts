import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { RedisService } from '@one-api/server-redis';
import { BullMqQueueDriver } from './bullmq.driver';
import { BullMqJobsProcessor } from './bullmq.processor';
import { InProcessQueueDriver } from './in-process.driver';
import { QUEUE_DRIVER, QUEUE_NAME } from './job-map';
import { JobQueue } from './job-queue.service';
import { JobRegistry } from './job-registry';

export interface QueueModuleOptions {
  /** REDIS_CONN_STRING is set: BullMQ; otherwise the in-process driver. */
  redis: boolean;
  /** Run the processors in this process (apps/worker always; the API when RUN_WORKER_IN_API). */
  processors: boolean;
  /** Key prefix of this deployment (REDIS_KEY_PREFIX). */
  prefix?: string;
}

/** The queue driver behind one interface: BullMQ (@nestjs/bullmq) with Redis, in-process without. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(options: QueueModuleOptions): DynamicModule {
    const common: Provider[] = [JobRegistry, JobQueue, InProcessQueueDriver];
    if (!options.redis) {
      return {
        module: QueueModule,
        providers: [...common, { provide: QUEUE_DRIVER, useExisting: InProcessQueueDriver }],
        exports: [JobQueue, JobRegistry],
      };
    }
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [RedisService],
          useFactory: (redis: RedisService) => ({
            connection: redis.connectionOptions({ maxRetriesPerRequest: null }),
            prefix: `${options.prefix ?? 'one-api:'}bull`,
          }),
        }),
        BullModule.registerQueue({ name: QUEUE_NAME }),
      ],
      providers: [
        ...common,
        {
          provide: QUEUE_DRIVER,
          inject: [getQueueToken(QUEUE_NAME), RedisService, InProcessQueueDriver],
          useFactory: (queue: Queue, redis: RedisService, fallback: InProcessQueueDriver) =>
            new BullMqQueueDriver(queue, redis, fallback),
        },
        ...(options.processors ? [BullMqJobsProcessor] : []),
      ],
      exports: [JobQueue, JobRegistry],
    };
  }
}
