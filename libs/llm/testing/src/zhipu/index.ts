export * from './fake-zhipu';
