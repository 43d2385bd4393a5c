export * from './disable-rules';
export * from './circuit-breaker';
export * from './channel-health.service';
export * from './channel-tester.service';
export * from './channel-jobs.service';
export * from './channel-health.controller';
export * from './channel-health.module';
