export * from './adapter';
export * from './auth-url';
export * from './build-request';
export * from './frames';
export * from './versions';
