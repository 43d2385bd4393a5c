import { Global, Module } from '@nestjs/common';
import { ChangeBusRelay } from './change-bus-relay';
import { RedisService } from './redis.service';
import { SharedCounters } from './shared-counters';

/** Redis when REDIS_CONN_STRING is set (shared invalidation, counters); every service works without it. */
@Global()
@Module({
  providers: [RedisService, ChangeBusRelay, SharedCounters],
  exports: [RedisService, SharedCounters],
})
export class RedisModule {}
