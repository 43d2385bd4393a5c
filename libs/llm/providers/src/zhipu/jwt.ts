import { createHmac } from 'node:crypto';
import { GatewayError } from '@one-api/llm-core';

/** How long a signed token is valid; One API signs for a day, an hour keeps a leaked token short-lived. */
export const ZHIPU_TOKEN_TTL_MS = 60 * 60 * 1000;

export interface ZhipuToken {
  token: string;
  /** epoch ms */
  expiresAt: number;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** Splits a Zhipu API key `id.secret`; throws a channel-side GatewayError (another channel may serve) when it has another shape. */
export function splitZhipuKey(key: string): { id: string; secret: string } {
  const dot = key.indexOf('.');
  if (dot <= 0 || dot === key.length - 1 || key.indexOf('.', dot + 1) !== -1) {
    throw new GatewayError({
      kind: 'upstream',
      status: 502,
      retryable: true,
      message: 'the Zhipu channel key must have the form id.secret',
    });
  }
  return { id: key.slice(0, dot), secret: key.slice(dot + 1) };
}

/**
 * Zhipu's API token: an HS256 JWT over `{api_key, exp, timestamp}` (both times in milliseconds, not the JWT
 * standard's seconds) with the extra header field `sign_type: SIGN`, keyed with the secret half of the API key.
 */
export function signZhipuToken(key: string, nowMs: number, ttlMs = ZHIPU_TOKEN_TTL_MS): ZhipuToken {
  const { id, secret } = splitZhipuKey(key);
  const expiresAt = nowMs + ttlMs;
  const header = base64url(JSON.stringify({ alg: 'HS256', sign_type: 'SIGN' }));
  const claims = base64url(JSON.stringify({ api_key: id, exp: expiresAt, timestamp: nowMs }));
  const signature = createHmac('sha256', secret).update(`${header}.${claims}`).digest('base64url');
  return { token: `${header}.${claims}.${signature}`, expiresAt };
}
