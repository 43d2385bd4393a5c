import { API_BASE } from './api';

/** Where the server sends the browser after a successful single sign-on: a page that loads the signed-in user. */
export const SSO_DONE_PATH = '/oauth/done/';

/**
 * Starts single sign-on at the server (GET /api/oauth/{oidc,github}/start): it builds the provider URL with state,
 * nonce and PKCE, and after the provider answers it signs in and redirects to `return_to` — or to
 * `/login?oauth_error=…` on failure.
 */
export function startSso(provider: 'oidc' | 'github'): void {
  window.location.assign(
    `${API_BASE}/api/oauth/${provider}/start?return_to=${encodeURIComponent(SSO_DONE_PATH)}`,
  );
}
