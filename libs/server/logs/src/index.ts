export * from './logs.service';
export * from './logs-query.service';
export * from './quota-text';
export * from './log.dto';
export * from './logs.module';
export * from './usage-report.service';
