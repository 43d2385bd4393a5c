export * from './adapter';
export * from './build-request';
export * from './parse-error';
export * from './parse-response';
export * from './stream-decoder';
export * from './embeddings';
