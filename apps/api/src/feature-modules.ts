import type { Type } from '@nestjs/common';
import { ChannelsModule } from '@one-api/server-channels';
import { LogsModule } from '@one-api/server-logs';
import { RedemptionsModule } from '@one-api/server-redemptions';
import { TokensModule } from '@one-api/server-tokens';
import { UsersModule } from '@one-api/server-users';

/** Feature modules mounted by the API. */
export const FEATURE_MODULES: Type[] = [LogsModule, UsersModule, TokensModule, ChannelsModule, RedemptionsModule];
