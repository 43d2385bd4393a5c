export * from './prompt';
export * from './build-request';
export * from './parse-response';
export * from './parse-error';
export * from './stream-decoder';
export * from './exchange';
export * from './adapter';
