export * from './redemptions.module';
