import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { OptionsService } from '@one-api/server-options';

export interface GitHubIdentity {
  login: string;
  name: string;
  email: string;
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');

/**
 * GitHub OAuth app sign-in as One API does it: code → access token at `{GITHUB_OAUTH_BASE_URL}/login/oauth/access_token`,
 * then `{GITHUB_API_BASE_URL}/user`; the account is bound by the GitHub login (One API's `github_id`).
 */
@Injectable()
export class GitHubService {
  constructor(
    private readonly options: OptionsService,
    private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.options.getBool('GitHubOAuthEnabled');
  }

  private assertEnabled(): void {
    if (!this.enabled) throw new ApiError('GitHub sign-in is not enabled', HttpStatus.FORBIDDEN);
  }

  authorizeUrl(state: string, redirectUri?: string): string {
    this.assertEnabled();
    const url = new URL(`${trimSlash(this.config.githubOauthBaseUrl)}/login/oauth/authorize`);
    url.searchParams.set('client_id', this.options.get('GitHubClientId'));
    url.searchParams.set('state', state);
    url.searchParams.set('scope', 'user:email');
    if (redirectUri) url.searchParams.set('redirect_uri', redirectUri);
    return url.href;
  }

  async identify(code: string, redirectUri?: string): Promise<GitHubIdentity> {
    this.assertEnabled();
    const fail = (why: string) => new ApiError(`GitHub sign-in failed: ${why}`, HttpStatus.UNAUTHORIZED);
    let token: string;
    try {
      const res = await fetch(`${trimSlash(this.config.githubOauthBaseUrl)}/login/oauth/access_token`, {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({
          client_id: this.options.get('GitHubClientId'),
          client_secret: this.options.get('GitHubClientSecret'),
          code,
          ...(redirectUri ? { redirect_uri: redirectUri } : {}),
        }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json()) as {
        access_token?: string;
        error?: string;
        error_description?: string;
      };
      if (!res.ok || !body.access_token)
        throw fail(body.error_description || body.error || `HTTP ${res.status}`);
      token = body.access_token;
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw fail((error as Error).message);
    }
    try {
      const res = await fetch(`${trimSlash(this.config.githubApiBaseUrl)}/user`, {
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${token}`,
          'User-Agent': 'one-api',
        },
        signal: AbortSignal.timeout(15_000),
      });
      if (!res.ok) throw fail(`GitHub user API answered HTTP ${res.status}`);
      const user = (await res.json()) as { login?: unknown; name?: unknown; email?: unknown };
      const login = typeof user.login === 'string' ? user.login.trim() : '';
      if (!login) throw fail('GitHub returned no login');
      return {
        login,
        name: typeof user.name === 'string' ? user.name : '',
        email: typeof user.email === 'string' ? user.email : '',
      };
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw fail((error as Error).message);
    }
  }
}
