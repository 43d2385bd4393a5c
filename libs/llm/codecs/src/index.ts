export * from './openai-chat';
