import { GatewayError, isRecord, type CanonicalResponse, type UpstreamAdapter } from '@one-api/llm-core';
import { parseAnthropicResponse } from '../anthropic/parse-response';
import { buildBedrockRequest, type BedrockAdapterOptions } from './build-request';
import { parseConverseResponse } from './converse-response';
import { bedrockCredentials } from './credentials';
import { parseBedrockError } from './parse-error';
import { signBedrockRequest } from './sigv4';
import { BedrockStreamDecoder } from './stream-decoder';

/** One API channel type 33 (AwsClaude / AWS Bedrock). */
export const BEDROCK_CHANNEL_TYPE = 33;

/**
 * A Bedrock answer → canonical response: an Anthropic `message` (InvokeModel on Claude) or a Converse answer
 * (`output.message`), told apart by shape since the parser is not told which operation was called.
 */
export function parseBedrockResponse(json: unknown): CanonicalResponse {
  if (isRecord(json) && (json.type === 'message' || Array.isArray(json.content))) {
    return parseAnthropicResponse(json);
  }
  if (isRecord(json) && json.output !== undefined) return parseConverseResponse(json);
  if (isRecord(json) && typeof json.message === 'string') {
    throw parseBedrockError(502, JSON.stringify(json));
  }
  return parseConverseResponse(json);
}

/**
 * The AWS Bedrock runtime adapter: Converse / ConverseStream for most models, InvokeModel(WithResponseStream) with
 * the Anthropic body for Claude, SigV4-signed in `authorize` with the channel's ak / sk / region. Its own wire
 * format, so callers' requests are always converted (never passed through).
 */
export function createBedrockAdapter(options: BedrockAdapterOptions = {}): UpstreamAdapter {
  return {
    format: 'bedrock',
    buildRequest: (request, channel) => buildBedrockRequest(request, channel, options),
    parseResponse: parseBedrockResponse,
    createStreamDecoder: () => new BedrockStreamDecoder(),
    parseError: parseBedrockError,
    async authorize(request, channel, io) {
      if (io.signal.aborted) {
        throw new GatewayError({ kind: 'network', message: 'upstream request was aborted' });
      }
      return signBedrockRequest(request, bedrockCredentials(channel), new Date(io.now()));
    },
  };
}

/** The Bedrock adapter with the default `max_tokens` (2048) for Claude. */
export const bedrockAdapter: UpstreamAdapter = createBedrockAdapter();
