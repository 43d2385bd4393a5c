import type { UpstreamAdapter, UpstreamChannel, UpstreamHttpRequest, UpstreamIo } from '@one-api/llm-core';
import { baiduAccessToken } from './access-token';
import { buildBaiduRequest } from './build-request';
import { baiduEmbeddings } from './embeddings';
import { parseBaiduError } from './parse-error';
import { parseBaiduResponse } from './parse-response';
import { BaiduStreamDecoder } from './stream-decoder';

/** Baidu ERNIE (wenxinworkshop, channel type 15); BaiduV2 (47) is Qianfan's OpenAI-compatible API. */
export const baiduAdapter: UpstreamAdapter = {
  format: 'baidu-ernie',
  buildRequest: buildBaiduRequest,
  parseResponse: parseBaiduResponse,
  createStreamDecoder: () => new BaiduStreamDecoder(),
  parseError: parseBaiduError,
  embeddings: baiduEmbeddings,
  async authorize(
    request: UpstreamHttpRequest,
    channel: UpstreamChannel,
    io: UpstreamIo,
  ): Promise<UpstreamHttpRequest> {
    const token = await baiduAccessToken(channel, io);
    const url = new URL(request.url);
    url.searchParams.set('access_token', token);
    return { ...request, url: url.toString() };
  },
};
