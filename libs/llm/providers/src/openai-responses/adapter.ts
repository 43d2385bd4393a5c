import type { UpstreamAdapter } from '@one-api/llm-core';
import { buildOpenAiResponsesRequest } from './build-request';
import { parseOpenAiResponsesError } from './parse-error';
import { parseOpenAiResponsesResponse } from './parse-response';
import { OpenAiResponsesStreamDecoder } from './stream-decoder';

/**
 * The OpenAI Responses upstream adapter (`POST {base}/v1/responses`), for OpenAI-compatible channels whose config
 * says `"api_format": "response"` (see `adapterForChannel`).
 */
export const openAiResponsesAdapter: UpstreamAdapter = {
  format: 'openai-responses',
  buildRequest: buildOpenAiResponsesRequest,
  parseResponse: parseOpenAiResponsesResponse,
  createStreamDecoder: () => new OpenAiResponsesStreamDecoder(),
  parseError: parseOpenAiResponsesError,
};
