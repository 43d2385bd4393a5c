export * from './job-map';
export * from './job-registry';
export * from './job-queue.service';
export * from './in-process.driver';
export type { BullMqQueueDriver } from './bullmq.driver';
export * from './queue.module';
