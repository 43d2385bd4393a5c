import type { UpstreamAdapter } from '@one-api/llm-core';
import { buildOllamaRequest } from './build-request';
import { ollamaEmbeddings } from './embed';
import { parseOllamaError } from './parse-error';
import { parseOllamaResponse } from './parse-response';
import { OllamaStreamDecoder } from './stream-decoder';

/** The Ollama (channel type 30) upstream adapter: the native `/api/chat`, streamed as JSON lines. */
export const ollamaAdapter: UpstreamAdapter = {
  format: 'ollama',
  buildRequest: buildOllamaRequest,
  parseResponse: parseOllamaResponse,
  createStreamDecoder: () => new OllamaStreamDecoder(),
  parseError: parseOllamaError,
  embeddings: ollamaEmbeddings,
};
