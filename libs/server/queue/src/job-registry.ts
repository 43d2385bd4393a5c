import { Injectable, Logger } from '@nestjs/common';
import { JobContext, JobHandler, JobMap, JobName } from './job-map';

/** Job processors of this process, registered by the feature modules that own them. */
@Injectable()
export class JobRegistry {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();
  /** Jobs finished in this process, by name (tests and metrics read it). */
  readonly completed = new Map<JobName, number>();

  register<N extends JobName>(name: N, handler: JobHandler<N>): void {
    this.handlers.set(name, handler as unknown as JobHandler<JobName>);
  }

  has(name: JobName): boolean {
    return this.handlers.has(name);
  }

  async run<N extends JobName>(name: N, data: JobMap[N], context: JobContext): Promise<void> {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`no processor for job "${name}" in this process`);
    const started = Date.now();
    try {
      await handler(data, context);
      this.completed.set(name, (this.completed.get(name) ?? 0) + 1);
      this.logger.debug?.(`job ${name} #${context.id} done in ${Date.now() - started} ms`);
    } catch (error) {
      this.logger.warn(
        `job ${name} #${context.id} (try ${context.attempt}) failed: ${(error as Error).message}`,
      );
      throw error;
    }
  }
}
