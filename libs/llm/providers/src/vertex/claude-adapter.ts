import type {
  CanonicalRequest,
  GatewayError,
  HeaderValues,
  UpstreamAdapter,
  UpstreamChannel,
  UpstreamHttpRequest,
} from '@one-api/llm-core';
import { ANTHROPIC_BETA_STATE } from '@one-api/llm-codecs';
import { buildAnthropicBody, type AnthropicAdapterOptions } from '../anthropic/build-request';
import { parseAnthropicError } from '../anthropic/parse-error';
import { parseAnthropicResponse } from '../anthropic/parse-response';
import { AnthropicStreamDecoder } from '../anthropic/stream-decoder';
import { parseGeminiError } from '../gemini/parse-error';
import { authorizeVertexRequest } from './authorize';
import { vertexCredentials } from './credentials';
import { vertexModelUrl } from './vertex-url';

/** The Messages API version Vertex AI takes in the body (it replaces the `anthropic-version` header). */
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

/**
 * Claude on Vertex AI: the Anthropic Messages body without `model` (the URL names it) and with
 * `anthropic_version: "vertex-2023-10-16"`, posted to `:rawPredict` or, for streams, `:streamRawPredict`.
 */
export function buildVertexClaudeRequest(
  request: CanonicalRequest,
  channel: UpstreamChannel,
  options: AnthropicAdapterOptions = {},
): UpstreamHttpRequest {
  const credentials = vertexCredentials(channel);
  const { body, warnings } = buildAnthropicBody(request, options);
  const { model: _model, ...rest } = body;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const beta = request.codecState?.[ANTHROPIC_BETA_STATE];
  if (typeof beta === 'string' && beta !== '') headers['anthropic-beta'] = beta;
  return {
    url: vertexModelUrl(
      channel.baseUrl,
      credentials,
      request.model,
      request.stream ? 'streamRawPredict' : 'rawPredict',
    ),
    method: 'POST',
    headers,
    body: JSON.stringify({ anthropic_version: VERTEX_ANTHROPIC_VERSION, ...rest }),
    warnings,
  };
}

/**
 * Errors on Vertex come in two shapes: Anthropic's own (`{"type":"error","error":{...}}`) when the model refused the
 * request, Google's (`{"error":{"code","message","status"}}`) when Vertex did (quota, permission, unknown model).
 */
export function parseVertexClaudeError(
  status: number,
  bodyText: string,
  headers?: HeaderValues,
): GatewayError {
  try {
    const body = JSON.parse(bodyText) as { type?: unknown; error?: unknown };
    if (body.type === 'error') return parseAnthropicError(status, bodyText, headers);
    if (typeof body.error === 'object' && body.error !== null && 'code' in body.error)
      return parseGeminiError(status, bodyText, headers);
  } catch {
    // not JSON: either parser falls back to the status
  }
  return parseAnthropicError(status, bodyText, headers);
}

/** Vertex AI (channel type 42) for Anthropic's Claude models. */
export function createVertexClaudeAdapter(options: AnthropicAdapterOptions = {}): UpstreamAdapter {
  return {
    format: 'vertex-anthropic',
    buildRequest: (request, channel) => buildVertexClaudeRequest(request, channel, options),
    parseResponse: parseAnthropicResponse,
    createStreamDecoder: () => new AnthropicStreamDecoder(),
    parseError: parseVertexClaudeError,
    authorize: authorizeVertexRequest,
  };
}

export const vertexClaudeAdapter: UpstreamAdapter = createVertexClaudeAdapter();
