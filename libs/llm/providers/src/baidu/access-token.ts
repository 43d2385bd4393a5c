import {
  GatewayError,
  isRecord,
  tryParseJson,
  type UpstreamChannel,
  type UpstreamIo,
} from '@one-api/llm-core';
import { cachedCredential } from '../credential-cache';
import { nativeBaseUrl } from '../native-base-url';

/** The longest a token is reused: a token revoked early (error 110/111) then fails for at most this long. */
const MAX_REUSE_MS = 60 * 60 * 1000;

/**
 * Exchange again a day before expiry (Baidu tokens live 30 days), after 90% of a shorter life, and at least hourly:
 * an exchange an hour per channel is cheap, a revoked token served from the cache for weeks is not.
 */
function refreshAfterMs(lifetimeMs: number): number {
  return Math.min(MAX_REUSE_MS, lifetimeMs - Math.min(24 * 60 * 60 * 1000, lifetimeMs / 10));
}

function channelProblem(message: string): GatewayError {
  return new GatewayError({ kind: 'upstream', status: 502, retryable: true, message });
}

/** Splits the channel key `AK|SK`. */
export function splitBaiduKey(key: string): { ak: string; sk: string } {
  const [ak, sk, ...rest] = key.split('|');
  if (!ak || !sk || rest.length > 0) throw channelProblem('the Baidu channel key must have the form AK|SK');
  return { ak: ak.trim(), sk: sk.trim() };
}

/**
 * The channel's access token: `{base}/oauth/2.0/token?grant_type=client_credentials&client_id=AK&client_secret=SK`
 * answers `{access_token, expires_in}` (seconds) or `{error, error_description}`; kept in `io.cache`.
 */
export function baiduAccessToken(channel: UpstreamChannel, io: UpstreamIo): Promise<string> {
  const { ak, sk } = splitBaiduKey(channel.key);
  const base = nativeBaseUrl(channel);
  return cachedCredential(io, `baidu-token:${base}:${channel.key}`, 0, async () => {
    const query = new URLSearchParams({ grant_type: 'client_credentials', client_id: ak, client_secret: sk });
    const response = await io.send({
      url: `${base}/oauth/2.0/token?${query}`,
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    });
    const body = tryParseJson(await response.body.text());
    if (response.statusCode !== 200 || !isRecord(body) || typeof body.access_token !== 'string') {
      const reason = isRecord(body) ? (body.error_description ?? body.error) : undefined;
      throw channelProblem(
        `the Baidu access token exchange failed (HTTP ${response.statusCode}${reason ? `: ${String(reason)}` : ''})`,
      );
    }
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 86_400;
    return { value: body.access_token, expiresAt: io.now() + refreshAfterMs(seconds * 1000) };
  });
}
