export { anthropicProtocol, startFakeAnthropic } from './fake-anthropic';
export type { FakeAnthropicOptions } from './fake-anthropic';
export {
  ANTHROPIC_QUOTE_LIMIT,
  ANTHROPIC_REPLY_PREFIX,
  ANTHROPIC_THINKING_PREFIX,
  fakeThinkingSignature,
  lastAnthropicUserText,
  messagesReply,
  replyOutputTokens,
} from './reply';
export type { AnthropicReply, AnthropicStopReason, FakeAnthropicBlock } from './reply';
export { anthropicMessageMeta, messageBody, messageStreamFrames, predictMessagesUsage } from './messages';
export type { AnthropicMessageMeta } from './messages';
export {
  ANTHROPIC_DOCUMENT_TOKENS,
  ANTHROPIC_IMAGE_TOKENS,
  anthropicPromptTokens,
  anthropicUsageBody,
  blockTokens,
} from './usage';
export type { AnthropicPromptTokens } from './usage';
export { validateMessagesRequest } from './validate';
export { ANTHROPIC_CONTEXT_WINDOW, anthropicError, anthropicStatusFaultError } from './errors';
export type { AnthropicErrorBody, AnthropicErrorResponse } from './errors';
export { anthropicModelList, anthropicModelObject, DEFAULT_ANTHROPIC_MODELS } from './models';
export type { AnthropicUsageBody, MessagesRequest } from './types';
