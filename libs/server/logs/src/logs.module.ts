import { Global, Module } from '@nestjs/common';
import { LogsController } from './logs.controller';
import { LogsQueryService } from './logs-query.service';
import { LogsService } from './logs.service';

@Global()
@Module({
  controllers: [LogsController],
  providers: [LogsService, LogsQueryService],
  exports: [LogsService, LogsQueryService],
})
export class LogsModule {}
