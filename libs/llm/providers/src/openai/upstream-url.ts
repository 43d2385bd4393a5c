import { GatewayError } from '@one-api/llm-core';
import { defaultBaseUrl, vendorOrDefault } from './vendors';

/**
 * The upstream URL of an OpenAI endpoint (`/v1/chat/completions`, `/v1/embeddings`, `/v1/completions`,
 * `/v1/moderations`, ...) for a channel: `{base}{path}` by default; the vendor's version path replaces `/v1`
 * (Doubao `/api/v3`, BaiduV2 `/v2`, AliBailian `/compatible-mode/v1`, none where the base already holds it);
 * Minimax's chat endpoint is `/v1/text/chatcompletion_v2`. An empty base URL means the type's default.
 */
export function upstreamUrl(channelType: number, baseUrl: string, endpointPath: string): string {
  let base = (baseUrl || defaultBaseUrl(channelType)).trim();
  while (base.endsWith('/')) base = base.slice(0, -1);
  if (base === '') {
    throw new GatewayError({
      kind: 'upstream',
      message: 'the channel has no base URL configured',
      status: 500,
    });
  }
  const path = endpointPath.startsWith('/') ? endpointPath : `/${endpointPath}`;
  const vendor = vendorOrDefault(channelType);
  const override = vendor.pathOverrides?.[path];
  if (override) return base + override;
  if (path === '/v1' || path.startsWith('/v1/')) return base + vendor.versionPath + path.slice(3);
  return base + path;
}
