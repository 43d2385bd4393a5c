import type { UpstreamAdapter } from '@one-api/llm-core';
import { buildDeeplRequest } from './build-request';
import { DeeplStreamDecoder, parseDeeplError, parseDeeplResponse } from './parse-response';

/** DeepL translation (channel type 38): the model names the target language, the last user message is translated. */
export const deeplAdapter: UpstreamAdapter = {
  format: 'deepl',
  buildRequest: buildDeeplRequest,
  parseResponse: parseDeeplResponse,
  createStreamDecoder: () => new DeeplStreamDecoder(),
  parseError: parseDeeplError,
};
