export {
  OLLAMA_EMBED_DIMENSIONS,
  OLLAMA_THINKING_PREFIX,
  ollamaChatView,
  ollamaProtocol,
  predictOllamaUsage,
  startFakeOllama,
} from './fake-ollama';
export type { FakeOllamaOptions } from './fake-ollama';
