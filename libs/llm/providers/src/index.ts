export * from './openai';
export * from './gemini';
export * from './registry';
