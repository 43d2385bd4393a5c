import { Module } from '@nestjs/common';
import { ChannelHealthModule } from '@one-api/server-channel-health';
import { RelayModule } from '@one-api/server-relay';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Module({
  imports: [RelayModule, ChannelHealthModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
