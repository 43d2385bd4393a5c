export { geminiProtocol, startFakeGemini } from './fake-gemini';
export type { FakeGeminiOptions } from './fake-gemini';
export {
  GEMINI_REPLY_PREFIX,
  GEMINI_THOUGHT_PREFIX,
  geminiReply,
  lastGeminiUserText,
  openApiToJsonSchema,
} from './reply';
export type { GeminiCallReply, GeminiReply } from './reply';
export { generateContentBody, generateContentChunks, predictGeminiUsage, replyParts } from './generate';
export {
  GEMINI_MEDIA_TOKENS,
  GEMINI_OUTPUT_IMAGE_TOKENS,
  geminiPromptTokens,
  geminiUsageMetadata,
  replyCandidateTokens,
  wantsImageOutput,
} from './usage';
export { DEFAULT_GEMINI_MODELS, geminiModelList, geminiModelObject } from './models';
export { GEMINI_CONTEXT_WINDOW, geminiStatusFaultError, googleError, googleStatusName } from './errors';
export type { GoogleErrorBody, GoogleErrorResponse } from './errors';
export { fakeThoughtSignature, GEMINI_SKIP_SIGNATURES, validateGenerateRequest } from './validate';
export type { ThoughtSignatureCheck } from './validate';
