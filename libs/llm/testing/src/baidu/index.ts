export * from './fake-baidu';
