export * from './upstream-url';
export * from './build-request';
export * from './parse-response';
export * from './parse-error';
export * from './stream-decoder';
export * from './usage-tap';
export * from './passthrough';
export * from './adapter';
