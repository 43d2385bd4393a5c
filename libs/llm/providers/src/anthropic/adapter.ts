import type { CanonicalRequest, UpstreamAdapter, UpstreamChannel } from '@one-api/llm-core';
import { buildAnthropicRequest, type AnthropicAdapterOptions } from './build-request';
import { parseAnthropicError } from './parse-error';
import { parseAnthropicResponse } from './parse-response';
import { AnthropicStreamDecoder } from './stream-decoder';

/** The Anthropic Messages upstream adapter with the given options (e.g. DEFAULT_MAX_TOKEN as `defaultMaxTokens`). */
export function createAnthropicAdapter(options: AnthropicAdapterOptions = {}): UpstreamAdapter {
  return {
    format: 'anthropic-messages',
    buildRequest: (request: CanonicalRequest, channel: UpstreamChannel) =>
      buildAnthropicRequest(request, channel, options),
    parseResponse: parseAnthropicResponse,
    createStreamDecoder: () => new AnthropicStreamDecoder(),
    parseError: parseAnthropicError,
  };
}

/** The Anthropic adapter for channel types 14 (Anthropic) and 52 (ClaudeCompatible), `max_tokens` default 2048. */
export const anthropicAdapter: UpstreamAdapter = createAnthropicAdapter();
