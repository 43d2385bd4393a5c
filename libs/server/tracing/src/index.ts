export * from './pino-logger';
export * from './tracing.service';
export * from './request-context.service';
export * from './trace-recorder.service';
export * from './trace.controller';
export * from './retention.jobs';
export * from './tracing.module';
