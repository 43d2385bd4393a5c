export {
  bedrockProtocol,
  FAKE_BEDROCK_ACCESS_KEY_ID,
  FAKE_BEDROCK_REGION,
  FAKE_BEDROCK_SECRET_ACCESS_KEY,
  startFakeBedrock,
} from './fake-bedrock';
export type { FakeBedrockOptions } from './fake-bedrock';
export {
  converseAsMessages,
  converseBody,
  converseContent,
  converseStreamMessages,
  predictConverseUsage,
  validateConverseRequest,
} from './converse';
export type { ConverseUsage } from './converse';
export {
  BEDROCK_CLAUDE_BETAS,
  BEDROCK_CLAUDE_VERSION,
  claudeInvokeBody,
  claudeInvokeStreamMessages,
  claudeModelName,
  validateClaudeInvokeBody,
} from './invoke';
export {
  decodeEventStreamMessages,
  encodeEventStreamMessage,
  eventMessage,
  exceptionMessage,
} from './event-stream';
export { verifySigV4 } from './sigv4';
export type { SigV4Check, SigV4Failure } from './sigv4';
export { bedrockError, bedrockStatusFaultError } from './errors';
export type { BedrockErrorResponse } from './errors';
