import { Inject, Injectable } from '@nestjs/common';
import { JobMap, JobName, JobOptions, QUEUE_DRIVER, QueueCounts, QueueDriver } from './job-map';

/** Producers' entry point: enqueue a typed job or put it on a schedule, whatever the driver. */
@Injectable()
export class JobQueue {
  constructor(@Inject(QUEUE_DRIVER) private readonly driver: QueueDriver) {}

  get kind(): QueueDriver['kind'] {
    return this.driver.kind;
  }

  add<N extends JobName>(name: N, data: JobMap[N], options?: JobOptions): Promise<void> {
    return this.driver.add(name, data, options);
  }

  schedule<N extends JobName>(name: N, everyMs: number, data: JobMap[N]): Promise<void> {
    return this.driver.schedule(name, everyMs, data);
  }

  unschedule(name: JobName): Promise<void> {
    return this.driver.unschedule(name);
  }

  counts(): Promise<QueueCounts> {
    return this.driver.counts();
  }
}
