export * from './migrate';
export * from './cli';
export { parseEndpoint, maskPassword } from './endpoint';
export { canonicalValue, TableChecksum } from './values';
