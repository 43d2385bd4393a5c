import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { GatewayError, isGatewayError, type UpstreamIo } from '@one-api/llm-core';
import { type ServiceAccount, vertexCredentialError } from './credentials';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** A token is replaced this long before it expires, so a request never leaves with one about to lapse. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
const ASSERTION_LIFETIME_S = 3600;

interface CachedToken {
  accessToken: string;
  /** epoch ms after which a new token is fetched */
  refreshAt: number;
}

/** One slot per service account and token endpoint: the live token, and the exchange under way if any. */
interface TokenSlot {
  token?: CachedToken;
  pending?: Promise<CachedToken>;
  /** the cancellation of the request whose I/O carries the pending exchange */
  pendingSignal?: AbortSignal;
}

function cacheKey(sa: ServiceAccount): string {
  return `vertex-token\u0000${sa.client_email}\u0000${sa.token_uri}`;
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function rsaKeyOf(sa: ServiceAccount): KeyObject {
  try {
    const key = createPrivateKey({ key: sa.private_key, format: 'pem' });
    if (key.asymmetricKeyType === 'rsa') return key;
  } catch {
    // reported below; the key text itself must never reach a message or a log
  }
  throw vertexCredentialError(
    `the Vertex AI service account ${sa.client_email} has a private_key that is not a PEM RSA private key`,
  );
}

/**
 * The signed assertion of Google's JWT bearer grant (RFC 7523): RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over
 * `header.claims`, `kid` = the key's id, `iss` = the account, `aud` = the account's own token URI, one hour long.
 * Signed here with node:crypto rather than google-auth-library, which posts to Google's fixed token URL whatever
 * `token_uri` says.
 */
export function signServiceAccountAssertion(sa: ServiceAccount, nowMs: number): string {
  const key = rsaKeyOf(sa);
  const iat = Math.floor(nowMs / 1000);
  const header: Record<string, string> = { alg: 'RS256', typ: 'JWT' };
  if (sa.private_key_id) header.kid = sa.private_key_id;
  const claims = {
    iss: sa.client_email,
    scope: CLOUD_PLATFORM_SCOPE,
    aud: sa.token_uri,
    iat,
    exp: iat + ASSERTION_LIFETIME_S,
  };
  const signingInput = `${base64UrlJson(header)}.${base64UrlJson(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), key).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** Google's OAuth error body (`{"error": "invalid_grant", "error_description": "..."}`) as one short line. */
function describeTokenError(status: number, bodyText: string): string {
  try {
    const body = JSON.parse(bodyText) as { error?: unknown; error_description?: unknown };
    const code = typeof body.error === 'string' ? body.error : undefined;
    const detail = typeof body.error_description === 'string' ? body.error_description : undefined;
    if (code || detail) return [code, detail].filter(Boolean).join(': ');
  } catch {
    // not JSON: only the status is worth saying
  }
  return `HTTP ${status}`;
}

async function exchange(sa: ServiceAccount, io: UpstreamIo): Promise<CachedToken> {
  const startedAt = io.now();
  const assertion = signServiceAccountAssertion(sa, startedAt);
  let status: number;
  let bodyText: string;
  try {
    const response = await io.send({
      url: sa.token_uri,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
    });
    status = response.statusCode;
    bodyText = await response.body.text();
  } catch (error) {
    if (isGatewayError(error)) throw error;
    throw vertexCredentialError(
      `the Vertex AI access token could not be fetched for ${sa.client_email}: the token endpoint did not answer`,
    );
  }
  const failure = (why: string) =>
    vertexCredentialError(`the Vertex AI access token was refused for ${sa.client_email}: ${why}`);
  if (status < 200 || status >= 300) throw failure(describeTokenError(status, bodyText));
  let body: { access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(bodyText) as typeof body;
  } catch {
    throw failure('the token endpoint answered something that is not JSON');
  }
  if (typeof body.access_token !== 'string' || body.access_token === '')
    throw failure('the token endpoint answered without an access_token');
  const lifetimeS = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
  return {
    accessToken: body.access_token,
    refreshAt: startedAt + lifetimeS * 1000 - TOKEN_REFRESH_MARGIN_MS,
  };
}

/**
 * An OAuth access token for the service account, from `io.cache` while it has more than five minutes to live;
 * otherwise one exchange at `token_uri`, shared by every request that needs it meanwhile. A failed exchange is not
 * cached: the next request tries again.
 */
export async function serviceAccountAccessToken(sa: ServiceAccount, io: UpstreamIo): Promise<string> {
  const key = cacheKey(sa);
  let slot = io.cache.get(key) as TokenSlot | undefined;
  if (!slot) {
    slot = {};
    io.cache.set(key, slot);
  }
  if (slot.token && io.now() < slot.token.refreshAt) return slot.token.accessToken;
  if (!slot.pending) {
    const current = slot;
    current.pendingSignal = io.signal;
    current.pending = exchange(sa, io).then(
      (token) => {
        current.token = token;
        current.pending = undefined;
        return token;
      },
      (error: unknown) => {
        current.pending = undefined;
        throw error instanceof GatewayError
          ? error
          : vertexCredentialError('the Vertex AI token exchange failed');
      },
    );
  }
  const pending = slot.pending as Promise<CachedToken>;
  const owner = slot.pendingSignal;
  try {
    return (await pending).accessToken;
  } catch (error) {
    // the shared exchange rode on another caller's connection and that caller left: this one starts its own
    if (owner !== io.signal && owner?.aborted && !io.signal.aborted) return serviceAccountAccessToken(sa, io);
    throw error;
  }
}
