export * from './build-request';
export * from './parse-error';
export * from './parse-response';
export * from './stream-decoder';
export * from './usage-tap';
export * from './channel-format';
export * from './adapter';
export * from './passthrough';
