import { type KeyObject, randomBytes, verify } from 'node:crypto';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Google's OAuth token endpoint answer: `{access_token, expires_in, token_type}` or `{error, error_description}`. */
export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** What the token endpoint checks an assertion against. */
export interface TokenIssuerAccount {
  clientEmail: string;
  privateKeyId: string;
  publicKey: KeyObject;
  /** the endpoint's own URL: the assertion's `aud` must be exactly this */
  tokenUrl: string;
}

const invalidGrant = (description: string): TokenAnswer => ({
  status: 400,
  body: { error: 'invalid_grant', error_description: description },
});

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Issues access tokens for a JWT bearer grant, checking what Google checks: the form's grant type, an RS256
 * assertion signed by the account's key (`kid` naming it), `iss` = the account, `aud` = this endpoint, the
 * cloud-platform scope, and a lifetime of at most an hour around now.
 */
export class FakeTokenIssuer {
  /** successful exchanges so far */
  exchanges = 0;
  /** lifetime of issued tokens (`expires_in`) */
  lifetimeSeconds = 3599;
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly account: () => TokenIssuerAccount | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  handle(contentType: string | undefined, rawBody: string): TokenAnswer {
    const account = this.account();
    if (!account) return { status: 500, body: { error: 'internal_failure' } };
    if (!/^application\/x-www-form-urlencoded/i.test(contentType ?? ''))
      return { status: 400, body: { error: 'invalid_request', error_description: 'Bad Request' } };
    const form = new URLSearchParams(rawBody);
    if (form.get('grant_type') !== JWT_BEARER_GRANT)
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' },
      };
    const assertion = form.get('assertion') ?? '';
    const parts = assertion.split('.');
    if (parts.length !== 3)
      return invalidGrant('Invalid JWT: Token must be a short-lived token and in a reasonable timeframe');
    const header = decodeSegment(parts[0]);
    const claims = decodeSegment(parts[1]);
    if (!header || !claims || header.alg !== 'RS256') return invalidGrant('Invalid JWT Signature.');
    const signed = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      account.publicKey,
      Buffer.from(parts[2], 'base64url'),
    );
    if (!signed || header.kid !== account.privateKeyId) return invalidGrant('Invalid JWT Signature.');
    if (claims.iss !== account.clientEmail) return invalidGrant('Invalid JWT Signature.');
    if (claims.aud !== account.tokenUrl) return invalidGrant('Invalid JWT: Failed audience check.');
    if (claims.scope !== CLOUD_PLATFORM_SCOPE)
      return {
        status: 400,
        body: {
          error: 'invalid_scope',
          error_description: 'Invalid OAuth scope or ID token audience provided.',
        },
      };
    const nowS = Math.floor(this.now() / 1000);
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp - iat > 3600 || iat > nowS + 300 || exp < nowS)
      return invalidGrant(
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    const token = `ya29.fake-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, this.now() + this.lifetimeSeconds * 1000);
    this.exchanges += 1;
    return {
      status: 200,
      body: { access_token: token, expires_in: this.lifetimeSeconds, token_type: 'Bearer' },
    };
  }

  /** Whether `Authorization: Bearer <token>` names a token this issuer gave out that has not expired. */
  accepts(authorization: string | undefined): boolean {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const expiresAt = m ? this.tokens.get(m[1]) : undefined;
    return expiresAt !== undefined && this.now() < expiresAt;
  }

  reset(): void {
    this.exchanges = 0;
    this.lifetimeSeconds = 3599;
    this.tokens.clear();
  }
}
