import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, TestApp } from './harness';
import { setOption } from './relay-fixtures';
import { launchChromium, loopbackContext, OidcProviderHandle, startOidcProvider } from './sign-in-fixtures';

/**
 * OIDC single sign-on end to end: a real OpenID provider (`oidc-provider`) on loopback, the gateway configured for
 * it through the options API, and real Chromium clicking the admin app's SSO button on its sign-in page (which
 * goes to `/api/oauth/oidc/start`), through the provider's own login and consent pages, and back into the app.
 */
describe('OIDC single sign-on in Chromium against a real OpenID provider', () => {
  let t: TestApp;
  let op: OidcProviderHandle;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    op = await startOidcProvider({ redirectUris: [`${t.url}/api/oauth/oidc`] });
    browser = await launchChromium();
    const root = await t.login('root', '123456');
    await setOption(root, 'ServerAddress', t.url);
    await setOption(root, 'OidcClientId', op.clientId);
    await setOption(root, 'OidcClientSecret', op.clientSecret);
    await setOption(root, 'OidcWellKnown', op.wellKnown);
    await setOption(root, 'OidcEnabled', 'true');
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await op?.close();
    await t?.close();
  });

  async function freshBrowser(): Promise<BrowserContext> {
    const context = await loopbackContext(browser);
    contexts.push(context);
    return context;
  }

  const onGateway = (url: URL) => url.origin === t.url && !url.pathname.startsWith('/api/oauth');

  /** Clicks through the provider's login (any password) and consent pages until the browser is back on the gateway. */
  async function signInAtProvider(page: Page, login: string): Promise<URL> {
    for (let step = 0; step < 6; step++) {
      const url = new URL(page.url());
      if (onGateway(url)) return url;
      if (await page.locator('input[name="login"]').count()) {
        await page.fill('input[name="login"]', login);
        await page.fill('input[name="password"]', 'any-password');
        await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
      } else if (await page.locator('button[type="submit"]').count()) {
        await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
      } else {
        throw new Error(`unexpected page ${page.url()}: ${(await page.content()).slice(0, 300)}`);
      }
    }
    throw new Error(`never returned to the gateway, last page ${page.url()}`);
  }

  /** Opens the admin app's sign-in page and clicks its SSO button: the browser lands on the provider's login page. */
  async function startSso(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${t.url}/login/`);
    const button = page.locator('[data-testid="login-oidc"]');
    await button.waitFor({ state: 'visible' });
    await Promise.all([page.waitForURL((url) => url.origin === op.issuer), button.click()]);
    expect(new URL(page.url()).origin).toBe(op.issuer); // the provider's own login page
    return page;
  }

  async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
    return (await context.cookies(t.url)).find((c) => c.name === 'session')?.value;
  }

  async function self(context: BrowserContext): Promise<{ status: number; body: Record<string, any> }> {
    const res = await context.request.get(`${t.url}/api/user/self`);
    return { status: res.status(), body: await res.json() };
  }

  const countUsers = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM users'))[0].n);

  let aliceId = 0;

  it('creates the user on the first sign-in, with PKCE, state and nonce sent to the provider', async () => {
    const before = await countUsers();
    const context = await freshBrowser();
    const page = await startSso(context);
    const landed = await signInAtProvider(page, 'alice');
    expect(landed.pathname.startsWith('/oauth/done')).toBe(true);
    // The app reads the new session and opens its dashboard, signed in.
    await page.waitForURL((url) => url.pathname.startsWith('/overview'));

    const auth = op.authorizations.at(-1)!;
    expect(auth.get('code_challenge_method')).toBe('S256');
    expect(auth.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.get('state')).toBeTruthy();
    expect(auth.get('nonce')).toBeTruthy();
    expect(auth.get('redirect_uri')).toBe(`${t.url}/api/oauth/oidc`);

    expect(await sessionCookie(context)).toBeTruthy();
    const me = await self(context);
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({
      username: 'alice',
      display_name: 'SSO alice',
      email: 'alice@sso.example.org',
      oidc_id: 'alice',
      role: 1,
      status: 1,
    });
    aliceId = me.body.data.id;
    expect(await countUsers()).toBe(before + 1);
    const keys = await t.dataSource.query('SELECT name FROM tokens WHERE user_id = ?', [aliceId]);
    expect(keys).toEqual([{ name: 'default' }]);
  });

  it('finds the same user on a second sign-in from another browser', async () => {
    const before = await countUsers();
    const context = await freshBrowser();
    const page = await startSso(context);
    await signInAtProvider(page, 'alice');
    const me = await self(context);
    expect(me.status).toBe(200);
    expect(me.body.data.id).toBe(aliceId);
    expect(await countUsers()).toBe(before);
  });

  it('rejects a callback whose state was tampered with', async () => {
    const context = await freshBrowser();
    let tampered = false;
    op.tamper.redirect = (location) => {
      if (location.origin !== t.url || location.pathname !== '/api/oauth/oidc') return;
      location.searchParams.set('state', `${location.searchParams.get('state')}x`);
      tampered = true;
    };
    try {
      const page = await startSso(context);
      const landed = await signInAtProvider(page, 'eve');
      expect(tampered).toBe(true);
      expect(landed.pathname).toMatch(/^\/login\/?$/);
      expect(landed.searchParams.get('oauth_error')).toMatch(/state mismatch/i);
    } finally {
      op.tamper.redirect = undefined;
    }
    expect(await sessionCookie(context)).toBeUndefined();
    expect((await self(context)).status).toBe(401);
    expect(await t.dataSource.query("SELECT id FROM users WHERE oidc_id = 'eve'")).toEqual([]);
  });

  it('rejects an ID token whose nonce is not the one this browser was given', async () => {
    const context = await freshBrowser();
    op.tamper.authorization = (query) => query.set('nonce', 'nonce-chosen-by-an-attacker');
    try {
      const page = await startSso(context);
      const landed = await signInAtProvider(page, 'mallory');
      expect(op.authorizations.at(-1)!.get('nonce')).toBe('nonce-chosen-by-an-attacker');
      expect(landed.pathname).toMatch(/^\/login\/?$/);
      expect(landed.searchParams.get('oauth_error')).toMatch(/nonce/i);
    } finally {
      op.tamper.authorization = undefined;
    }
    expect(await sessionCookie(context)).toBeUndefined();
    expect(await t.dataSource.query("SELECT id FROM users WHERE oidc_id = 'mallory'")).toEqual([]);
  });

  it('refuses a callback that did not start in this browser (no flow cookie)', async () => {
    const context = await freshBrowser();
    let stolen: URL | undefined;
    op.tamper.redirect = (location) => {
      if (location.origin === t.url && location.pathname === '/api/oauth/oidc')
        stolen = new URL(location.href);
    };
    try {
      const page = await startSso(context);
      await signInAtProvider(page, 'victim');
    } finally {
      op.tamper.redirect = undefined;
    }
    // The same callback URL replayed from another browser (login CSRF / code injection) is refused.
    const attacker = await freshBrowser();
    const page = await attacker.newPage();
    await page.goto(stolen!.href);
    const landed = new URL(page.url());
    expect(landed.pathname).toMatch(/^\/login\/?$/);
    expect(landed.searchParams.get('oauth_error')).toMatch(/not started here|expired/i);
    expect(await sessionCookie(attacker)).toBeUndefined();
  });

  it('binds the identity to the signed-in user instead of creating one', async () => {
    const root = await t.login('root', '123456');
    await root.post('/api/user/').send({ username: 'carol', password: 'password-123' }).expect(200);
    const before = await countUsers();
    const context = await freshBrowser();
    const login = await context.request.post(`${t.url}/api/user/login`, {
      data: { username: 'carol', password: 'password-123' },
    });
    expect(login.status()).toBe(200);
    const page = await startSso(context);
    await signInAtProvider(page, 'carol-at-idp');
    const me = await self(context);
    expect(me.body.data).toMatchObject({ username: 'carol', oidc_id: 'carol-at-idp' });
    expect(await countUsers()).toBe(before);
  });
});
