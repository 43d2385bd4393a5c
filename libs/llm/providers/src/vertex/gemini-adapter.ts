import type {
  CanonicalRequest,
  UpstreamAdapter,
  UpstreamChannel,
  UpstreamHttpRequest,
} from '@one-api/llm-core';
import { buildGeminiBody, type GeminiAdapterOptions } from '../gemini/build-request';
import { parseGeminiError } from '../gemini/parse-error';
import { parseGeminiResponse } from '../gemini/parse-response';
import { GeminiStreamDecoder } from '../gemini/stream-decoder';
import { authorizeVertexRequest } from './authorize';
import { vertexCredentials } from './credentials';
import { vertexModelUrl } from './vertex-url';

/** Gemini on Vertex AI: the Gemini API body at the publisher model URL; the bearer token is added by `authorize`. */
export function buildVertexGeminiRequest(
  request: CanonicalRequest,
  channel: UpstreamChannel,
  options: GeminiAdapterOptions = {},
): UpstreamHttpRequest {
  const credentials = vertexCredentials(channel);
  const { body, warnings } = buildGeminiBody(request, options);
  return {
    url: vertexModelUrl(
      channel.baseUrl,
      credentials,
      request.model,
      request.stream ? 'streamGenerateContent' : 'generateContent',
    ),
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    warnings,
  };
}

/** Vertex AI (channel type 42) for Google's models: answers, streams and errors are the Gemini API's. */
export function createVertexGeminiAdapter(options: GeminiAdapterOptions = {}): UpstreamAdapter {
  return {
    format: 'vertex-gemini',
    buildRequest: (request, channel) => buildVertexGeminiRequest(request, channel, options),
    parseResponse: parseGeminiResponse,
    createStreamDecoder: () => new GeminiStreamDecoder(),
    parseError: parseGeminiError,
    authorize: authorizeVertexRequest,
  };
}

export const vertexGeminiAdapter: UpstreamAdapter = createVertexGeminiAdapter();
