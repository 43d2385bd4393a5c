import type { UpstreamAdapter, UpstreamChannel, UpstreamHttpRequest, UpstreamIo } from '@one-api/llm-core';
import { openAiAdapter } from '../openai/adapter';
import { withAuthorization } from '../openai/authorization';
import { signZhipuToken, type ZhipuToken } from './jwt';

/** A cached token is replaced this long before it expires, so a slow request never carries an expired one. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** The signed token for a key, from `io.cache` while it has more than the margin left. */
export function zhipuTokenFor(key: string, io: Pick<UpstreamIo, 'cache' | 'now'>): string {
  const cacheKey = `zhipu-jwt:${key}`;
  const now = io.now();
  const cached = io.cache.get(cacheKey) as ZhipuToken | undefined;
  if (cached && cached.expiresAt - REFRESH_MARGIN_MS > now) return cached.token;
  const fresh = signZhipuToken(key, now);
  io.cache.set(cacheKey, fresh);
  return fresh.token;
}

/**
 * Zhipu (channel type 16): the v4 API (`/api/paas/v4/chat/completions`, `/embeddings`) is OpenAI-shaped, so the
 * OpenAI adapter builds and parses; only the credential differs — a JWT signed from the `id.secret` key, sent raw
 * in `Authorization` (no `Bearer`). The relay runs `authorize` on passthrough calls too.
 */
export const zhipuAdapter: UpstreamAdapter = {
  ...openAiAdapter,
  async authorize(
    request: UpstreamHttpRequest,
    channel: UpstreamChannel,
    io: UpstreamIo,
  ): Promise<UpstreamHttpRequest> {
    return { ...request, headers: withAuthorization(request.headers, zhipuTokenFor(channel.key, io)) };
  },
};
