export * from './envelope';
export * from './pagination';
export * from './secrets';
export * from './time';
export * from './validation';
export * from './http-error.filter';
export * from './change-bus';
export * from './change-publishing.interceptor';
