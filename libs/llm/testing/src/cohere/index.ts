export {
  COHERE_EMBED_DIMENSIONS,
  COHERE_TEMPLATE_TOKENS,
  cohereChatView,
  cohereProtocol,
  predictCohereUsage,
  startFakeCohere,
} from './fake-cohere';
export type { FakeCohereOptions } from './fake-cohere';
