import type { UpstreamAdapter } from '@one-api/llm-core';
import { buildGeminiRequest, type GeminiAdapterOptions } from './build-request';
import { parseGeminiError } from './parse-error';
import { parseGeminiResponse } from './parse-response';
import { GeminiStreamDecoder } from './stream-decoder';

/**
 * The Gemini (Google AI Studio, channel type 24) upstream adapter. `options` carry the relay's settings:
 * `defaultApiVersion` (GEMINI_VERSION, used when the channel names no version) and `safetyThreshold`
 * (GEMINI_SAFETY_SETTING).
 */
export function createGeminiAdapter(options: GeminiAdapterOptions = {}): UpstreamAdapter {
  return {
    format: 'gemini',
    buildRequest: (request, channel) => buildGeminiRequest(request, channel, options),
    parseResponse: parseGeminiResponse,
    createStreamDecoder: () => new GeminiStreamDecoder(),
    parseError: parseGeminiError,
  };
}

/** The adapter with the defaults: API version v1beta, safety threshold BLOCK_NONE. */
export const geminiAdapter: UpstreamAdapter = createGeminiAdapter();
