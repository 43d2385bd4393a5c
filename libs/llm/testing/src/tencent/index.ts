export * from './fake-tencent';
