import { DynamicModule, Module } from '@nestjs/common';
import { BillingModule } from '@one-api/server-billing';
import { ChannelHealthModule } from '@one-api/server-channel-health';
import { ChangeBusModule } from '@one-api/server-common';
import { AppConfig, ConfigModule, loadConfig } from '@one-api/server-config';
import { DbModule } from '@one-api/server-db';
import { LogsModule } from '@one-api/server-logs';
import { OptionsModule } from '@one-api/server-options';
import { QueueModule } from '@one-api/server-queue';
import { RedisModule } from '@one-api/server-redis';
import { RelayModule } from '@one-api/server-relay';
import { TracingModule } from '@one-api/server-tracing';

/**
 * The worker process: the same configuration and database as the API, no HTTP. It runs every job processor
 * (channel tests and sweeps, quota flush, log and trace retention) from the shared BullMQ queue (Redis), so the API
 * can run with RUN_WORKER_IN_API=false.
 */
@Module({})
export class WorkerModule {
  static forRoot(config?: AppConfig): DynamicModule {
    const cfg = config ?? loadConfig();
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(cfg),
        ChangeBusModule,
        DbModule,
        OptionsModule,
        RedisModule,
        QueueModule.forRoot({ redis: !!cfg.redisConnString, processors: true, prefix: cfg.redisKeyPrefix }),
        LogsModule,
        BillingModule,
        RelayModule,
        ChannelHealthModule,
        TracingModule,
      ],
    };
  }
}
