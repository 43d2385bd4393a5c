import type { UpstreamAdapter } from '@one-api/llm-core';
import { buildReplicateRequest } from './build-request';
import { replicateExchange } from './exchange';
import { parseReplicateError } from './parse-error';
import { parseReplicateResponse } from './parse-response';
import { ReplicateStreamDecoder } from './stream-decoder';

/**
 * The Replicate (channel type 46) upstream adapter: language models as asynchronous predictions — create, then poll or
 * follow the prediction's SSE stream (the `exchange` hook) — with the conversation flattened into prompt +
 * system_prompt and tools emulated through the prompt.
 */
export const replicateAdapter: UpstreamAdapter = {
  format: 'replicate',
  buildRequest: buildReplicateRequest,
  parseResponse: parseReplicateResponse,
  createStreamDecoder: () => new ReplicateStreamDecoder(),
  parseError: parseReplicateError,
  exchange: (request, channel, io) => replicateExchange(request, channel, io),
};
