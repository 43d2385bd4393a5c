import type { Type } from '@nestjs/common';
import { BillingModule } from '@one-api/server-billing';
import { ChannelsModule } from '@one-api/server-channels';
import { LogsModule } from '@one-api/server-logs';
import { RedemptionsModule } from '@one-api/server-redemptions';
import { RelayModule } from '@one-api/server-relay';
import { SsoModule } from '@one-api/server-sso';
import { TokensModule } from '@one-api/server-tokens';
import { UsersModule } from '@one-api/server-users';

/** Feature modules mounted by the API. */
export const FEATURE_MODULES: Type[] = [
  LogsModule,
  BillingModule,
  UsersModule,
  SsoModule,
  TokensModule,
  ChannelsModule,
  RedemptionsModule,
  RelayModule,
];
