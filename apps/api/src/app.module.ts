import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@one-api/server-config';
import { AuthModule } from '@one-api/server-auth';
import { ChangeBusModule, ChangePublishingInterceptor } from '@one-api/server-common';
import { DbModule } from '@one-api/server-db';
import { OptionsModule } from '@one-api/server-options';
import { FEATURE_MODULES } from './feature-modules';

@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ChangeBusModule,
        DbModule,
        OptionsModule,
        AuthModule,
        ...FEATURE_MODULES,
      ],
      providers: [{ provide: APP_INTERCEPTOR, useClass: ChangePublishingInterceptor }],
    };
  }
}
