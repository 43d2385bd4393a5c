import { Module } from '@nestjs/common';
import { ChannelsModule } from '@one-api/server-channels';
import { RelayModule } from '@one-api/server-relay';
import { ChannelHealthController, ChannelStatusController } from './channel-health.controller';
import { ChannelHealthService } from './channel-health.service';
import { ChannelJobs } from './channel-jobs.service';
import { ChannelTester } from './channel-tester.service';

/**
 * Channel health: relay observer + routing filter (auto-disable, 429 suspension, circuit breaker, channel rate
 * limits), channel tests and balances, their jobs. Registered before ChannelsModule so `/api/channel/test` is not
 * taken for `/api/channel/:id`.
 */
@Module({
  imports: [ChannelsModule, RelayModule],
  controllers: [ChannelHealthController, ChannelStatusController],
  providers: [ChannelHealthService, ChannelTester, ChannelJobs],
  exports: [ChannelHealthService, ChannelTester, ChannelJobs],
})
export class ChannelHealthModule {}
