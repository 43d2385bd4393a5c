export * from './openai-chat';
export * from './openai-responses';
