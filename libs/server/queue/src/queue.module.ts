import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { InProcessQueueDriver } from './in-process.driver';
import { QUEUE_DRIVER } from './job-map';
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
    // Required here, not imported above: BullMQ is loaded only by deployments that use Redis.
    const { bullMqQueueModule } = require('./bullmq-queue.module') as typeof import('./bullmq-queue.module');
    return bullMqQueueModule(QueueModule, options, common);
  }
}
