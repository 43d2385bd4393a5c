// Fake upstream providers for tests, e2e runs and the benchmark (node:http only, no framework).
export { startFakeServer } from './core/fake-server';
export type { FakeProtocol, FakeProvider, FakeServerOptions } from './core/fake-server';
export { FakeExchange } from './core/exchange';
export type { DeliveryPlan, SseFrame } from './core/exchange';
export { formatFaults, parseFaultSpec, planFaults, splitFaultPrefix } from './core/faults';
export type { Fault, FaultInput, FaultPlan } from './core/faults';
export type { RecordedRequest } from './core/recorder';
export { sampleFromSchema } from './core/json-schema-sample';
export { explicitArguments } from './core/explicit-arguments';

export { openAIProtocol, startFakeOpenAI } from './openai/fake-openai';
export type { FakeOpenAIOptions } from './openai/fake-openai';
export {
  chatReply,
  lastUserText,
  QUOTE_LIMIT,
  quote,
  replyCompletionTokens,
  REPLY_PREFIX,
} from './openai/chat-reply';
export type { ChatReply, ToolCallReply } from './openai/chat-reply';
export {
  chatCompletionBody,
  chatCompletionChunks,
  predictChatAudioTokens,
  predictChatUsage,
} from './openai/chat';
export {
  handleResponses,
  predictResponsesUsage,
  REASONING_PREFIX,
  reasoningRequested,
  reasoningText,
  responseObject,
  responsesAnswer,
  responsesChatRequest,
  responsesMessages,
  responsesOutput,
  responsesStreamFrames,
} from './openai/responses';
export type {
  ResponsesAnswer,
  ResponsesRequest,
  ResponsesStore,
  ResponsesUsageBody,
  StoredResponse,
} from './openai/responses';
export { COMPLETION_PREFIX, completionReply, predictCompletionUsage } from './openai/completions';
export {
  EMBEDDING_DIMENSIONS,
  embeddingDimensions,
  fakeEmbedding,
  float32ToBase64,
} from './openai/embeddings';
export { MODERATION_CATEGORIES, MODERATION_TRIGGERS } from './openai/moderations';
export { FAKE_INPUT_IMAGE_TOKENS, FAKE_PNG_BASE64, IMAGE_SIZES, predictImageUsage } from './openai/images';
export type { ImageUsagePrediction } from './openai/images';
export {
  fakeSpeechAudio,
  fakeTranscript,
  SPEECH_BYTES_PER_CHAR,
  SPEECH_CHUNK_BYTES,
  wavSeconds,
} from './openai/audio';
export { fakeRelevance, predictRerankTokens } from './openai/rerank';
export { DEFAULT_FAKE_MODELS } from './openai/models';
export { CONTEXT_WINDOW, statusFaultError } from './openai/errors';
export type { OpenAIErrorBody } from './openai/errors';
export {
  CHARS_PER_TOKEN,
  chatPromptTokens,
  estimateTokens,
  IMAGE_PART_TOKENS,
  inputTokens,
  messageText,
} from './openai/usage';
export type { ChatRequest, CompletionRequest, CompletionUsage, EmbeddingRequest } from './openai/types';

// Fake Gemini (generativelanguage.googleapis.com wire format).
export * from './gemini';

// Fake Anthropic (api.anthropic.com Messages wire format).
export * from './anthropic';

// The regression matrix (variants, PASS rules, runner, table).
export * from './matrix';

// Fake AWS Bedrock runtime (Converse, ConverseStream, Claude InvokeModel; SigV4 verified, AWS event-stream framing).
export * from './bedrock';

// Fake Cohere (api.cohere.com v2 chat, rerank, embed).
export * from './cohere';

// Fake Ollama (native /api/chat with NDJSON streams, /api/embed).
export * from './ollama';

// Fake Replicate (predictions: create, poll, SSE stream).
export * from './replicate';

// Fake Coze (v3 chat SSE, OAuth JWT token endpoint verifying the app's signature).
export * from './coze';

// Fake Zhipu (open.bigmodel.cn v4, JWT auth).
export * from './zhipu';

// Fake Ali DashScope (native text generation).
export * from './ali';

// Fake Baidu (OAuth token exchange, ERNIE wenxinworkshop chat).
export * from './baidu';

// Fake Tencent Hunyuan (Cloud API v3 ChatCompletions, TC3-HMAC-SHA256 verified).
export * from './tencent';

// Fake DeepL (v2 translate).
export * from './deepl';

// Fake iFlytek Spark v1 (signed WebSocket URL, status 0/1/2 frames).
export * from './xunfei';

// Fake Vertex AI (OAuth token endpoint, Gemini generateContent, Claude rawPredict).
export * from './vertex';

// Fake Azure OpenAI (deployment URLs, api-version, api-key header).
export * from './azure';
