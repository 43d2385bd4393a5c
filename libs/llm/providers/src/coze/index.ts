export * from './build-request';
export * from './parse-error';
export * from './stream-decoder';
export * from './parse-response';
export * from './exchange';
export * from './oauth';
export * from './adapter';
