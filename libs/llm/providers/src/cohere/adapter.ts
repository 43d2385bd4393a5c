import type { UpstreamAdapter } from '@one-api/llm-core';
import { buildCohereRequest } from './build-request';
import { cohereEmbeddings } from './embed';
import { parseCohereError } from './parse-error';
import { parseCohereResponse } from './parse-response';
import { CohereStreamDecoder } from './stream-decoder';

/** The Cohere (channel type 35) upstream adapter: the v2 chat API, SSE streams with named events. */
export const cohereAdapter: UpstreamAdapter = {
  format: 'cohere',
  buildRequest: buildCohereRequest,
  parseResponse: parseCohereResponse,
  createStreamDecoder: () => new CohereStreamDecoder(),
  parseError: parseCohereError,
  embeddings: cohereEmbeddings,
};
