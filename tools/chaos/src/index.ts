export * from './load';
export * from './invariants';
export * from './report';
