import { HttpStatus, Injectable } from '@nestjs/common';
import * as client from 'openid-client';
import { ApiError } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { OptionsService } from '@one-api/server-options';

export const OIDC_SCOPE = 'openid profile email';
/** How long discovered provider metadata is reused before it is fetched again. */
const METADATA_TTL_MS = 60 * 60 * 1000;

export interface OidcAuthorization {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What the gateway keeps of an OpenID identity. */
export interface OidcIdentity {
  sub: string;
  preferredUsername: string;
  name: string;
  email: string;
}

export interface OidcChecks {
  state: string;
  /** absent for One API's front-end flow, which builds the authorization URL itself without a nonce */
  nonce?: string;
  /** absent for One API's front-end flow (no PKCE) */
  codeVerifier?: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * OpenID Connect relying party on `openid-client`: provider metadata from OidcWellKnown (or the explicit endpoint
 * options), authorization code flow with PKCE (S256), state and nonce, ID token validation (issuer, audience,
 * expiry, nonce, and the signature against the provider's JWKS when it publishes one), then userinfo.
 */
@Injectable()
export class OidcService {
  private cache?: { key: string; at: number; config: client.Configuration };

  constructor(
    private readonly options: OptionsService,
    private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.options.getBool('OidcEnabled');
  }

  private settings() {
    const o = this.options;
    return {
      clientId: o.get('OidcClientId').trim(),
      clientSecret: o.get('OidcClientSecret'),
      wellKnown: o.get('OidcWellKnown').trim(),
      issuer: o.get('OidcIssuer').trim(),
      jwksUri: o.get('OidcJwksUri').trim(),
      authorizationEndpoint: o.get('OidcAuthorizationEndpoint').trim(),
      tokenEndpoint: o.get('OidcTokenEndpoint').trim(),
      userinfoEndpoint: o.get('OidcUserinfoEndpoint').trim(),
    };
  }

  private insecureAllowed(urls: string[]): boolean {
    return urls
      .filter(Boolean)
      .every(
        (u) =>
          u.startsWith('https://') || this.config.oidcAllowInsecureHttp || LOOPBACK.test(new URL(u).hostname),
      );
  }

  /** The openid-client configuration for the current options (re-discovered when they change or every hour). */
  async configuration(): Promise<client.Configuration> {
    if (!this.enabled) throw new ApiError('OIDC sign-in is not enabled', HttpStatus.FORBIDDEN);
    const s = this.settings();
    if (!s.clientId)
      throw new ApiError('OIDC is not configured: OidcClientId is empty', HttpStatus.SERVICE_UNAVAILABLE);
    const key = JSON.stringify(s);
    if (this.cache && this.cache.key === key && Date.now() - this.cache.at < METADATA_TTL_MS)
      return this.cache.config;

    const urls = [s.wellKnown, s.jwksUri, s.authorizationEndpoint, s.tokenEndpoint, s.userinfoEndpoint];
    const plainHttp = urls.some((u) => u.startsWith('http://'));
    if (plainHttp && !this.insecureAllowed(urls)) {
      throw new ApiError(
        'OIDC provider URLs must use https (set OIDC_ALLOW_INSECURE_HTTP=true for a plain-http provider)',
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    let metadata: client.ServerMetadata;
    try {
      if (s.wellKnown) {
        const discovered = await client.discovery(
          new URL(s.wellKnown),
          s.clientId,
          s.clientSecret,
          undefined,
          {
            execute: plainHttp ? [client.allowInsecureRequests] : [],
            timeout: 15,
          },
        );
        metadata = { ...discovered.serverMetadata() };
      } else {
        if (!s.authorizationEndpoint || !s.tokenEndpoint) {
          throw new Error('set OidcWellKnown, or OidcAuthorizationEndpoint and OidcTokenEndpoint');
        }
        metadata = {
          issuer: s.issuer || new URL(s.authorizationEndpoint).origin,
          authorization_endpoint: s.authorizationEndpoint,
          token_endpoint: s.tokenEndpoint,
          ...(s.userinfoEndpoint ? { userinfo_endpoint: s.userinfoEndpoint } : {}),
          ...(s.jwksUri ? { jwks_uri: s.jwksUri } : {}),
        };
      }
    } catch (error) {
      throw new ApiError(
        `OIDC provider metadata could not be loaded: ${(error as Error).message}`,
        HttpStatus.BAD_GATEWAY,
      );
    }
    if (s.jwksUri) metadata = { ...metadata, jwks_uri: s.jwksUri };
    // client_secret_basic is the OpenID default; use client_secret_post only when the provider does not offer basic.
    const methods = metadata.token_endpoint_auth_methods_supported;
    const auth =
      methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')
        ? client.ClientSecretPost(s.clientSecret)
        : client.ClientSecretBasic(s.clientSecret);
    const configuration = new client.Configuration(metadata, s.clientId, s.clientSecret, auth);
    if (plainHttp) client.allowInsecureRequests(configuration);
    // Verify the ID token's signature with the provider's keys (not only its claims) whenever keys are published.
    if (metadata.jwks_uri) client.enableNonRepudiationChecks(configuration);
    configuration.timeout = 15;
    this.cache = { key, at: Date.now(), config: configuration };
    return configuration;
  }

  /** A fresh state, nonce and PKCE verifier, and the provider URL that carries them. */
  async authorize(redirectUri: string): Promise<OidcAuthorization> {
    const configuration = await this.configuration();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: OIDC_SCOPE,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /**
   * Completes the code flow: `callbackUrl` is the redirect URI with the provider's query (code, state, iss).
   * Checks state, exchanges the code (with the PKCE verifier), validates the ID token (nonce included) and reads
   * userinfo for the same subject.
   */
  async complete(callbackUrl: URL, checks: OidcChecks): Promise<OidcIdentity> {
    const configuration = await this.configuration();
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims?.sub) throw new Error('the ID token has no subject');
      claims = { ...idClaims };
      if (configuration.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        claims = { ...claims, ...info, sub: idClaims.sub };
      }
    } catch (error) {
      // oauth4webapi names the offending claim (nonce, iss, aud, …) in the cause; say which one.
      const claim = claimOf(error);
      const detail = claim ? ` (${claim})` : '';
      throw new ApiError(
        `OIDC sign-in failed: ${(error as Error).message}${detail}`,
        HttpStatus.UNAUTHORIZED,
      );
    }
    const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const email = claims.email_verified === false ? '' : str(claims.email);
    return {
      sub: str(claims.sub),
      preferredUsername: str(claims.preferred_username) || str(claims.nickname) || email.split('@')[0] || '',
      name: str(claims.name) || str(claims.preferred_username),
      email,
    };
  }
}

/** The claim named somewhere in an oauth4webapi / openid-client error's cause chain. */
function claimOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const claim = (current as { claim?: unknown }).claim;
    if (typeof claim === 'string') return claim;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
