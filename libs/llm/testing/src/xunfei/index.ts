export * from './fake-spark';
