import { Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobName, QUEUE_NAME } from './job-map';
import { JobRegistry } from './job-registry';

/** The BullMQ worker of this process: hands each job to the processor registered for its name. */
@Processor(QUEUE_NAME, { concurrency: 4, stalledInterval: 15_000 })
export class BullMqJobsProcessor extends WorkerHost {
  private readonly logger = new Logger('Jobs');

  constructor(private readonly registry: JobRegistry) {
    super();
  }

  process(job: Job): Promise<void> {
    return this.registry.run(job.name as JobName, job.data, {
      id: String(job.id),
      attempt: job.attemptsMade + 1,
    });
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn(`worker: ${error.message}`);
  }
}
