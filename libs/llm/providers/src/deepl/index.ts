export * from './adapter';
export * from './build-request';
export * from './parse-response';
