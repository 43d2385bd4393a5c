export * from './fake-ali';
