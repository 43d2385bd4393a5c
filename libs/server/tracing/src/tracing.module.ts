import { Global, Module } from '@nestjs/common';
import { RelayModule } from '@one-api/server-relay';
import { RequestContextService } from './request-context.service';
import { RetentionJobs } from './retention.jobs';
import { TraceController } from './trace.controller';
import { TraceRecorder } from './trace-recorder.service';
import { TracingService } from './tracing.service';

/** OpenTelemetry spans, request ids and access logs, the traces table and its API, retention jobs. */
@Global()
@Module({
  imports: [RelayModule],
  controllers: [TraceController],
  providers: [TracingService, RequestContextService, TraceRecorder, RetentionJobs],
  exports: [TracingService, RequestContextService, TraceRecorder, RetentionJobs],
})
export class TracingModule {}
