import { Module } from '@nestjs/common';
import { AppConfig } from '@one-api/server-config';
import { BillingDashboardController } from './billing-dashboard.controller';
import { ChannelAdapters } from './channel-adapters.service';
import { MediaController } from './media/media.controller';
import { MediaRelayService } from './media/media-relay.service';
import { CostController } from './cost.controller';
import { ModelsController } from './models.controller';
import { ProxyController } from './proxy/proxy.controller';
import { ProxyService } from './proxy/proxy.service';
import { RelayAuthService } from './relay-auth.service';
import { RelayDirectory } from './relay-directory.service';
import { RelayHooks } from './relay-hooks';
import { RelayController } from './relay.controller';
import { RelayAdmission } from './relay-admission.service';
import { RelayService } from './relay.service';
import { StoredResponsesController } from './stored-responses.controller';
import { UpstreamClient } from './upstream-client.service';
import { RemoteMediaInliner, userContentFetcherFrom } from './user-content/remote-media-inliner.service';
import { UserContentFetcher } from './user-content/user-content-fetcher';

@Module({
  controllers: [
    RelayController,
    StoredResponsesController,
    ModelsController,
    BillingDashboardController,
    CostController,
    ProxyController,
    MediaController,
  ],
  providers: [
    RelayDirectory,
    RelayAuthService,
    UpstreamClient,
    ChannelAdapters,
    RelayAdmission,
    RelayService,
    ProxyService,
    RelayHooks,
    { provide: UserContentFetcher, useFactory: userContentFetcherFrom, inject: [AppConfig] },
    RemoteMediaInliner,
    MediaRelayService,
  ],
  exports: [RelayDirectory, RelayAuthService, UpstreamClient, ChannelAdapters, RelayHooks],
})
export class RelayModule {}
