import { Module } from '@nestjs/common';
import { BillingDashboardController } from './billing-dashboard.controller';
import { ChannelAdapters } from './channel-adapters.service';
import { CostController } from './cost.controller';
import { ModelsController } from './models.controller';
import { RelayAuthService } from './relay-auth.service';
import { RelayDirectory } from './relay-directory.service';
import { RelayHooks } from './relay-hooks';
import { RelayController } from './relay.controller';
import { RelayService } from './relay.service';
import { StoredResponsesController } from './stored-responses.controller';
import { UpstreamClient } from './upstream-client.service';

@Module({
  controllers: [
    RelayController,
    StoredResponsesController,
    ModelsController,
    BillingDashboardController,
    CostController,
  ],
  providers: [RelayDirectory, RelayAuthService, UpstreamClient, ChannelAdapters, RelayService, RelayHooks],
  exports: [RelayDirectory, UpstreamClient, ChannelAdapters, RelayHooks],
})
export class RelayModule {}
