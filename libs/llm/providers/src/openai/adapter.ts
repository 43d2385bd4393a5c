import type { UpstreamAdapter } from '@one-api/llm-core';
import { buildOpenAiChatRequest } from './build-request';
import type { VendorOptions } from './parameter-rules';
import { parseOpenAiError } from './parse-error';
import { parseOpenAiChatResponse } from './parse-response';
import { OpenAiChatStreamDecoder } from './stream-decoder';

/** The OpenAI Chat Completions upstream adapter, for OpenAI and every OpenAI-compatible channel type. */
export const openAiAdapter: UpstreamAdapter = {
  format: 'openai-chat',
  buildRequest: buildOpenAiChatRequest,
  parseResponse: parseOpenAiChatResponse,
  createStreamDecoder: () => new OpenAiChatStreamDecoder(),
  parseError: parseOpenAiError,
};

/** The OpenAI adapter with deployment-wide vendor settings (OPENROUTER_PROVIDER_SORT). */
export function createOpenAiAdapter(options: VendorOptions): UpstreamAdapter {
  return {
    ...openAiAdapter,
    buildRequest: (request, channel) => buildOpenAiChatRequest(request, channel, options),
  };
}
