export * from './redis.service';
export * from './change-bus-relay';
export * from './shared-counters';
export * from './redis.module';
