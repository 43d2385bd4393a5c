import { createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';
import {
  GatewayError,
  isRecord,
  tryParseJson,
  type UpstreamChannel,
  type UpstreamHttpRequest,
  type UpstreamIo,
} from '@one-api/llm-core';
import { cachedCredential, type ExpiringCredential } from '../credential-cache';
import { cozeApiRoot } from './build-request';

/** What a Coze OAuth JWT app channel keeps in its key: the app JSON Coze lets you download, or the same fields. */
export interface CozeJwtApp {
  appId: string;
  /** The public key's fingerprint, sent as the JWT `kid`. */
  keyId: string;
  privateKeyPem: string;
  /** Where to exchange the JWT (default: the channel's base URL). */
  apiBase?: string;
  /** The JWT audience (default: the API host, e.g. `api.coze.com`). */
  audience?: string;
}

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Coze's default and the lifetime asked for: 15 minutes. */
export const COZE_TOKEN_SECONDS = 900;
/** A cached token is replaced this long before it expires, so no request goes out with a dying token. */
export const COZE_TOKEN_REFRESH_MARGIN_MS = 60_000;
const JWT_SECONDS = 600;

function field(json: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = json[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

function credentialError(message: string): GatewayError {
  // The channel is misconfigured, not the caller's request: another channel may serve it.
  return new GatewayError({ kind: 'upstream', status: 502, retryable: true, message });
}

/** Reads the app JSON (`client_id` / `app_id`, `public_key_id` / `kid`, `private_key`, optional `coze_api_base`, `aud`). */
export function parseCozeJwtApp(key: string): CozeJwtApp {
  const json = tryParseJson(key);
  if (!isRecord(json)) throw credentialError('the Coze OAuth JWT channel key is not the app JSON');
  const appId = field(json, 'client_id', 'app_id', 'appId');
  const keyId = field(json, 'public_key_id', 'kid', 'key_id', 'keyid');
  const privateKeyPem = field(json, 'private_key', 'privateKey');
  if (!appId || !keyId || !privateKeyPem)
    throw credentialError('the Coze OAuth JWT app JSON needs client_id, public_key_id and private_key');
  return {
    appId,
    keyId,
    privateKeyPem: privateKeyPem.replace(/\\n/g, '\n'),
    apiBase: field(json, 'coze_api_base', 'api_base'),
    audience: field(json, 'aud', 'audience'),
  };
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Signs a fresh single-use JWT (RS256, header kid; iss, aud, iat, exp, jti) for the token exchange. RS256 is one
 * node:crypto call; `jose` is not used because it publishes its types only through export conditions that this
 * repository's `moduleResolution: node` does not read.
 */
export function signCozeJwt(app: CozeJwtApp, audience: string, nowMs: number): string {
  let key;
  try {
    key = createPrivateKey(app.privateKeyPem);
  } catch {
    throw credentialError('the Coze OAuth JWT app private_key is not a valid PEM key');
  }
  const iat = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: app.keyId }));
  const claims = base64url(
    JSON.stringify({ iss: app.appId, aud: audience, iat, exp: iat + JWT_SECONDS, jti: randomUUID() }),
  );
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), key);
  return `${header}.${claims}.${base64url(signature)}`;
}

async function exchangeToken(app: CozeJwtApp, root: string, io: UpstreamIo): Promise<ExpiringCredential> {
  const audience = app.audience ?? new URL(root).host;
  const jwt = signCozeJwt(app, audience, io.now());
  const res = await io.send({
    url: `${root}/api/permission/oauth2/token`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${jwt}` },
    body: JSON.stringify({ grant_type: GRANT_TYPE, duration_seconds: COZE_TOKEN_SECONDS }),
  });
  const text = await res.body.text();
  const body = tryParseJson(text);
  if (
    res.statusCode < 200 ||
    res.statusCode >= 300 ||
    !isRecord(body) ||
    typeof body.access_token !== 'string'
  ) {
    const detail = isRecord(body) ? (field(body, 'error_message', 'msg', 'error_code') ?? '') : '';
    throw credentialError(`Coze refused the OAuth JWT app's token request${detail ? `: ${detail}` : ''}`);
  }
  // expires_in is a Unix time in seconds on Coze (not a duration).
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 0;
  const expiresAt = expiresIn > 1e9 ? expiresIn * 1000 : io.now() + (expiresIn || COZE_TOKEN_SECONDS) * 1000;
  return { value: body.access_token, expiresAt };
}

/**
 * The authorize hook of an OAuth JWT channel (`config.auth_type = "oauth_jwt"`): an access token for the app, from
 * `io.cache` while it has more than a minute left, else exchanged for a freshly signed JWT (concurrent requests share
 * one exchange). Personal-access-token channels pass through untouched.
 */
export async function authorizeCoze(
  request: UpstreamHttpRequest,
  channel: UpstreamChannel,
  io: UpstreamIo,
): Promise<UpstreamHttpRequest> {
  if (channel.config.auth_type !== 'oauth_jwt') return request;
  const app = parseCozeJwtApp(channel.key);
  const root = (app.apiBase ?? cozeApiRoot(channel)).replace(/\/+$/, '');
  const fingerprint = createHash('sha256').update(`${root}\n${channel.key}`).digest('hex');
  const token = await cachedCredential(
    io,
    `coze-oauth-jwt:${fingerprint}`,
    COZE_TOKEN_REFRESH_MARGIN_MS,
    () => exchangeToken(app, root, io),
  );
  return { ...request, headers: { ...request.headers, Authorization: `Bearer ${token}` } };
}
