import { GatewayError } from '@one-api/llm-core';
import { azureUrl } from './azure-url';
import { defaultBaseUrl, type OpenAiCompatibleVendor, vendorOrDefault } from './vendors';

/**
 * The upstream URL of an OpenAI endpoint (`/v1/chat/completions`, `/v1/embeddings`, `/v1/completions`,
 * `/v1/moderations`, ...) for a channel: `{base}{path}` by default; the vendor's version path replaces `/v1`
 * (Doubao `/api/v3`, BaiduV2 `/v2`, AliBailian `/compatible-mode/v1`, none where the base already holds it);
 * Minimax's chat endpoint is `/v1/text/chatcompletion_v2`. An empty base URL means the type's default.
 * `target` adds what some vendors route by: the upstream model (Doubao `bot-` models) and the channel config
 * (Cloudflare's account id in `config.user_id`).
 */
export function upstreamUrl(
  channelType: number,
  baseUrl: string,
  endpointPath: string,
  target: UrlTarget = {},
): string {
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
  if (vendor.azureDeployments) return azureUrl(base, path, target);
  const override = vendor.pathOverrides?.[path];
  if (override) return base + override;
  if (path === '/v1' || path.startsWith('/v1/')) return base + versionPathFor(vendor, target) + path.slice(3);
  return base + path;
}

export interface UrlTarget {
  /** the model sent upstream */
  model?: string;
  /** the channel's parsed config JSON */
  config?: Record<string, unknown>;
  /** the channel's legacy `other` column (Azure's api-version when config has none) */
  other?: string | null;
}

function versionPathFor(vendor: OpenAiCompatibleVendor, target: UrlTarget): string {
  const model = target.model ?? '';
  const byModel = vendor.modelVersionPaths?.find((rule) => model.startsWith(rule.prefix));
  const template = byModel?.versionPath ?? vendor.versionPath;
  if (!template.includes('{user_id}')) return template;
  const userId = target.config?.user_id;
  if (typeof userId !== 'string' || userId.trim() === '') {
    throw new GatewayError({
      kind: 'upstream',
      status: 502,
      retryable: true,
      message: 'the channel needs config.user_id (the account id) to build its URL',
    });
  }
  return template.replace('{user_id}', encodeURIComponent(userId.trim()));
}
