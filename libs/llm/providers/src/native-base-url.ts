import { GatewayError, type UpstreamChannel } from '@one-api/llm-core';
import { defaultBaseUrl } from './openai/vendors';

/**
 * The base URL of a channel speaking a provider's native protocol, without trailing slashes: the channel's own, else
 * the type's default from the channel-type table. Throws when neither exists (a misconfigured channel, not the
 * caller's fault, so another channel may be tried).
 */
export function nativeBaseUrl(channel: UpstreamChannel): string {
  let base = (channel.baseUrl || defaultBaseUrl(channel.type)).trim();
  while (base.endsWith('/')) base = base.slice(0, -1);
  if (base === '') {
    throw new GatewayError({
      kind: 'upstream',
      message: 'the channel has no base URL configured',
      status: 500,
    });
  }
  return base;
}

/** The base without a trailing API version segment (`/v1`, `/v2`), for providers whose paths carry the version. */
export function unversionedBaseUrl(channel: UpstreamChannel): string {
  return nativeBaseUrl(channel).replace(/\/v\d+$/, '');
}
