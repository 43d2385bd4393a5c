import { Global, Inject, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '@one-api/server-config';
import { buildDataSourceOptions } from './data-source';
import { initializeDataSource } from './migration-lock';
import { ENTITIES } from './entities';
import { seedRootAccountIfNeeded } from './seed';
import { TransactionRunner } from './transactions';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => buildDataSourceOptions(config),
      // Pending migrations are applied under a database-wide lock, so replicas starting together do not race.
      dataSourceFactory: async (options) => initializeDataSource(options as DataSourceOptions),
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  providers: [
    {
      provide: TransactionRunner,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => new TransactionRunner(dataSource),
    },
  ],
  exports: [TypeOrmModule, TransactionRunner],
})
export class DbModule implements OnApplicationBootstrap {
  constructor(
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.nodeType === 'slave') return;
    const seeded = await seedRootAccountIfNeeded(this.dataSource, {
      initialRootAccessToken: this.config.initialRootAccessToken,
      initialRootToken: this.config.initialRootToken,
    });
    if (!seeded) new Logger('Db').log('Existing database: users kept as they are');
  }
}
