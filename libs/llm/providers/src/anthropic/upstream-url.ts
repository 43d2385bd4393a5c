import { channelTypeInfo } from '@one-api/contracts';
import { GatewayError } from '@one-api/llm-core';

/** The channel types served by the Anthropic adapter: Anthropic (14) and ClaudeCompatible (52). */
export const ANTHROPIC_CHANNEL_TYPES: readonly number[] = [14, 52];

export function isAnthropicChannelType(channelType: number): boolean {
  return ANTHROPIC_CHANNEL_TYPES.includes(channelType);
}

/**
 * `{base}/v1/messages` (or `{base}/v1/messages/count_tokens` for `endpoint: 'count_tokens'`). An empty base means
 * the type's default (`https://api.anthropic.com` for Anthropic; ClaudeCompatible has none); a base that already
 * ends in `/v1` is not given a second one.
 */
export function anthropicMessagesUrl(
  channelType: number,
  baseUrl: string,
  endpoint: 'messages' | 'count_tokens' = 'messages',
): string {
  let base = (baseUrl || channelTypeInfo(channelType)?.baseUrl || '').trim();
  while (base.endsWith('/')) base = base.slice(0, -1);
  if (base === '') {
    throw new GatewayError({
      kind: 'upstream',
      message: 'the channel has no base URL configured',
      status: 500,
    });
  }
  const path = endpoint === 'messages' ? '/messages' : '/messages/count_tokens';
  return base.endsWith('/v1') ? `${base}${path}` : `${base}/v1${path}`;
}
