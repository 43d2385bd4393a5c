import type { Type } from '@nestjs/common';
import { BillingModule } from '@one-api/server-billing';
import { ChannelHealthModule } from '@one-api/server-channel-health';
import { ChannelsModule } from '@one-api/server-channels';
import { LogsModule } from '@one-api/server-logs';
import { MetricsModule } from '@one-api/server-metrics';
import { RateLimitModule } from '@one-api/server-ratelimit';
import { RedemptionsModule } from '@one-api/server-redemptions';
import { ExternalBillingModule, RelayModule } from '@one-api/server-relay';
import { SsoModule } from '@one-api/server-sso';
import { TokensModule } from '@one-api/server-tokens';
import { TracingModule } from '@one-api/server-tracing';
import { UsersModule } from '@one-api/server-users';

/** Feature modules mounted by the API. */
export const FEATURE_MODULES: Type[] = [
  LogsModule,
  BillingModule,
  UsersModule,
  SsoModule,
  // before TokensModule: /api/token/balance, /transactions and /logs must win over /api/token/:id
  ExternalBillingModule,
  TokensModule,
  // before ChannelsModule: its /api/channel/test routes must win over /api/channel/:id
  ChannelHealthModule,
  ChannelsModule,
  RedemptionsModule,
  RelayModule,
  TracingModule,
  MetricsModule,
  RateLimitModule,
];
