export * from './jwt';
export * from './adapter';
