export * from './openai-chat';
export * from './openai-responses';
export * from './anthropic-messages';
