import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@one-api/server-config';
import { DbModule } from '@one-api/server-db';
import { OptionsModule } from '@one-api/server-options';

/** The worker process: the same configuration and database as the API, without HTTP. Job processors register here. */
@Module({})
export class WorkerModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [ConfigModule.forRoot(config), DbModule, OptionsModule] };
  }
}
