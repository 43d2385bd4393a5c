import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig, ConfigModule, loadConfig } from '@one-api/server-config';
import { AuthModule } from '@one-api/server-auth';
import { ChangeBusModule, ChangePublishingInterceptor } from '@one-api/server-common';
import { DbModule } from '@one-api/server-db';
import { OptionsModule } from '@one-api/server-options';
import { QueueModule } from '@one-api/server-queue';
import { RedisModule } from '@one-api/server-redis';
import { FEATURE_MODULES } from './feature-modules';

@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    const cfg = config ?? loadConfig();
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(cfg),
        ChangeBusModule,
        DbModule,
        OptionsModule,
        AuthModule,
        RedisModule,
        QueueModule.forRoot({
          redis: !!cfg.redisConnString,
          processors: cfg.runWorkerInApi,
          prefix: cfg.redisKeyPrefix,
        }),
        ...FEATURE_MODULES,
      ],
      providers: [{ provide: APP_INTERCEPTOR, useClass: ChangePublishingInterceptor }],
    };
  }
}
