export * from './wire-types';
export * from './usage-mapping';
export * from './finish-reason';
export * from './decode-request';
export * from './encode-response';
export * from './encode-error';
export * from './stream-encoder';
export * from './codec';
