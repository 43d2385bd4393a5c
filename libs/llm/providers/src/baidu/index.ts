export * from './access-token';
export * from './adapter';
export * from './build-request';
export * from './endpoints';
export * from './parse-error';
export * from './parse-response';
export * from './stream-decoder';
export * from './embeddings';
