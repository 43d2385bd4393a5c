export * from './openai';
export * from './registry';
