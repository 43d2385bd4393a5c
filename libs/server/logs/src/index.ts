export * from './logs.service';
export * from './logs.module';
