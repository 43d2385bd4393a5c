import type { UpstreamAdapter } from '@one-api/llm-core';
import { buildAliRequest } from './build-request';
import { aliEmbeddings } from './embeddings';
import { parseAliError } from './parse-error';
import { parseAliResponse } from './parse-response';
import { AliStreamDecoder } from './stream-decoder';

/** Ali DashScope native text generation (channel type 17); AliBailian (49) is its OpenAI-compatible mode. */
export const aliAdapter: UpstreamAdapter = {
  format: 'dashscope',
  buildRequest: buildAliRequest,
  parseResponse: parseAliResponse,
  createStreamDecoder: () => new AliStreamDecoder(),
  parseError: parseAliError,
  embeddings: aliEmbeddings,
};
