import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { RedisService } from '@one-api/server-redis';
import { BullMqQueueDriver } from './bullmq.driver';
import { BullMqJobsProcessor } from './bullmq.processor';
import { InProcessQueueDriver } from './in-process.driver';
import { QUEUE_DRIVER, QUEUE_NAME } from './job-map';
import { JobQueue } from './job-queue.service';
import { JobRegistry } from './job-registry';
import type { QueueModuleOptions } from './queue.module';

/**
 * QueueModule with Redis: BullMQ through @nestjs/bullmq. Kept in its own file, required only when REDIS_CONN_STRING
 * is set, because loading BullMQ costs about 9 MiB of memory that a Redis-less gateway never uses.
 */
export function bullMqQueueModule(
  module: Type,
  options: QueueModuleOptions,
  common: Provider[],
): DynamicModule {
  return {
    module,
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
