import { createHmac } from 'node:crypto';
import { GatewayError } from '@one-api/llm-core';

/** Splits the channel key `APPID|APISecret|APIKey`. */
export function splitSparkKey(key: string): { appId: string; apiSecret: string; apiKey: string } {
  const parts = key.split('|').map((p) => p.trim());
  if (parts.length !== 3 || parts.some((p) => p === ''))
    throw new GatewayError({
      kind: 'upstream',
      status: 502,
      retryable: true,
      message: 'the Xunfei channel key must have the form APPID|APISecret|APIKey',
    });
  return { appId: parts[0], apiSecret: parts[1], apiKey: parts[2] };
}

/**
 * iFlytek's signed WebSocket URL: an HMAC-SHA256 (keyed with the API secret) over `host`, `date` (RFC 1123) and the
 * request line, wrapped with the API key into a base64 `authorization` query parameter next to `date` and `host`.
 */
export function sparkAuthUrl(baseUrl: string, apiKey: string, apiSecret: string, date: Date): string {
  const url = new URL(baseUrl);
  const rfc1123 = date.toUTCString();
  const origin = `host: ${url.host}\ndate: ${rfc1123}\nGET ${url.pathname} HTTP/1.1`;
  const signature = createHmac('sha256', apiSecret).update(origin).digest('base64');
  const authorization = Buffer.from(
    `api_key="${apiKey}", algorithm="hmac-sha256", headers="host date request-line", signature="${signature}"`,
  ).toString('base64');
  url.search = new URLSearchParams({ authorization, date: rfc1123, host: url.host }).toString();
  return url.toString();
}
