import type { SiteStatusDto } from '@one-api/contracts';
import { api } from './api';

/** One API's OAuth state: a short value the server keeps in the session and checks on the callback. */
async function oauthState(): Promise<string> {
  return api<string>('/api/oauth/state');
}

/** Where the provider sends the browser back: the admin app's callback page for that provider. */
export function callbackUrl(provider: 'github' | 'oidc'): string {
  return `${window.location.origin}/oauth/${provider}/`;
}

export async function startGitHubLogin(status: SiteStatusDto): Promise<void> {
  const state = await oauthState();
  const url = new URL('https://github.com/login/oauth/authorize');
  url.searchParams.set('client_id', status.github_client_id);
  url.searchParams.set('state', state);
  url.searchParams.set('scope', 'user:email');
  window.location.href = url.toString();
}

export async function startOidcLogin(status: SiteStatusDto): Promise<void> {
  if (!status.oidc_authorization_endpoint) throw new Error('OIDC authorization endpoint is not configured');
  const state = await oauthState();
  const url = new URL(status.oidc_authorization_endpoint);
  url.searchParams.set('client_id', status.oidc_client_id ?? '');
  url.searchParams.set('redirect_uri', callbackUrl('oidc'));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid profile email');
  url.searchParams.set('state', state);
  window.location.href = url.toString();
}
