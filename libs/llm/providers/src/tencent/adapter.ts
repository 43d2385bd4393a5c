import type { UpstreamAdapter } from '@one-api/llm-core';
import { authorizeTencent, buildTencentRequest } from './build-request';
import { parseTencentError } from './parse-error';
import { parseTencentResponse } from './parse-response';
import { TencentStreamDecoder } from './stream-decoder';

/** Tencent Hunyuan (channel type 23): Cloud API v3 `ChatCompletions`, signed with TC3-HMAC-SHA256 per request. */
export const tencentAdapter: UpstreamAdapter = {
  format: 'tencent-hunyuan',
  buildRequest: buildTencentRequest,
  parseResponse: parseTencentResponse,
  createStreamDecoder: () => new TencentStreamDecoder(),
  parseError: parseTencentError,
  authorize: authorizeTencent,
};
