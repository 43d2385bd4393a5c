export * from './openai';
export * from './openai-responses';
export * from './gemini';
export * from './anthropic';
export * from './bedrock';
export * from './cohere';
export * from './zhipu';
export * from './registry';
