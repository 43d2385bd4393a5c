import { Global, Module } from '@nestjs/common';
import { LogsController } from './logs.controller';
import { LogsQueryService } from './logs-query.service';
import { LogsService } from './logs.service';
import { UsageReportController } from './usage-report.controller';
import { UsageReportService } from './usage-report.service';

@Global()
@Module({
  controllers: [LogsController, UsageReportController],
  providers: [LogsService, LogsQueryService, UsageReportService],
  exports: [LogsService, LogsQueryService],
})
export class LogsModule {}
