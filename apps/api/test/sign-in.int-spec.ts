import request from 'supertest';
import * as OTPAuth from 'otpauth';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';
import { setOption } from './relay-fixtures';
import { FakeGitHubHandle, startFakeGitHub, startFakeTurnstile } from './sign-in-fixtures';

type Agent = ReturnType<typeof request.agent>;

const codeAt = (secret: string, offsetSteps = 0) =>
  new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret),
    digits: 6,
    period: 30,
    algorithm: 'SHA1',
  }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });

const sessionOf = (res: request.Response): string | undefined =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('session='))
    ?.split(';')[0];

describeEachEngine('sign-in: GitHub OAuth, TOTP, Turnstile, throttling, CSRF', (engine) => {
  let t: TestApp;
  let github: FakeGitHubHandle;
  let turnstile: Awaited<ReturnType<typeof startFakeTurnstile>>;
  let root: Agent;

  beforeAll(async () => {
    github = await startFakeGitHub();
    turnstile = await startFakeTurnstile('turnstile-secret');
    t = await startTestApp({
      engine,
      env: {
        GITHUB_OAUTH_BASE_URL: github.url,
        GITHUB_API_BASE_URL: github.url,
        TURNSTILE_VERIFY_URL: turnstile.url,
        LOGIN_MAX_FAILURES: '3',
        LOGIN_LOCKOUT_SECONDS: '600',
      },
    });
    root = await t.login('root', '123456');
    await setOption(root, 'ServerAddress', t.url);
    await setOption(root, 'GitHubClientId', github.clientId);
    await setOption(root, 'GitHubClientSecret', github.clientSecret);
    await setOption(root, 'GitHubOAuthEnabled', 'true');
  });

  afterAll(async () => {
    await t?.close();
    await github?.close();
    await turnstile?.close();
  });

  /** Raw SQL with `?` placeholders on every engine. */
  const query = (sql: string, params: unknown[]) => {
    let n = 0;
    return t.dataSource.query(engine === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
  };

  const createUser = async (username: string, password = 'password-123') => {
    const res = await root.post('/api/user/').send({ username, password });
    expect(res.status).toBe(200);
    return res.body.data.id as number;
  };

  /** Follows the browser redirects of a GitHub sign-in with a cookie jar; returns the final gateway redirect. */
  async function githubSignIn(agent: Agent, returnTo = '/tokens'): Promise<URL> {
    const start = await agent.get('/api/oauth/github/start').query({ return_to: returnTo });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.location);
    expect(authorize.origin + authorize.pathname).toBe(`${github.url}/login/oauth/authorize`);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${t.url}/api/oauth/github`);
    const approved = await fetch(authorize, { redirect: 'manual' });
    const callback = new URL(approved.headers.get('location')!);
    const back = await agent.get(callback.pathname + callback.search);
    expect(back.status).toBe(302);
    return new URL(back.headers.location, t.url);
  }

  describe('GitHub OAuth', () => {
    it('creates the account on the first sign-in and finds it on the next', async () => {
      github.signInAs({ login: 'octo-dev', name: 'Octo Dev', email: 'octo@github.example' });
      const first = request.agent(t.url);
      const landed = await githubSignIn(first);
      expect(landed.pathname).toBe('/tokens');
      const me = (await first.get('/api/user/self').expect(200)).body.data;
      expect(me).toMatchObject({ username: 'octo-dev', display_name: 'Octo Dev', github_id: 'octo-dev' });
      expect(me.email).toBe('octo@github.example');
      const tokenRequest = github.tokenRequests.at(-1)!;
      expect(tokenRequest).toMatchObject({ client_id: github.clientId, client_secret: github.clientSecret });
      expect(tokenRequest.redirect_uri).toBe(`${t.url}/api/oauth/github`);

      const second = request.agent(t.url);
      await githubSignIn(second);
      expect((await second.get('/api/user/self').expect(200)).body.data.id).toBe(me.id);
    });

    it("supports One API's front-end flow: /api/oauth/state, then the callback called from script", async () => {
      github.signInAs({ login: 'legacy-octo' });
      const agent = request.agent(t.url);
      const state = (await agent.get('/api/oauth/state').expect(200)).body.data as string;
      expect(state).toMatch(/^[A-Za-z0-9]{12}$/);
      const authorize = new URL(`${github.url}/login/oauth/authorize`);
      authorize.searchParams.set('client_id', github.clientId);
      authorize.searchParams.set('state', state);
      authorize.searchParams.set('redirect_uri', `${t.url}/oauth/github`);
      const code = new URL(
        (await fetch(authorize, { redirect: 'manual' })).headers.get('location')!,
      ).searchParams.get('code');
      const wrongState = await agent.get('/api/oauth/github').query({ code, state: 'not-the-state' });
      expect(wrongState.status).toBe(400);
      expect(wrongState.body.message).toMatch(/state mismatch/);

      // the failed attempt used the flow up: a new state is needed
      const state2 = (await agent.get('/api/oauth/state').expect(200)).body.data as string;
      authorize.searchParams.set('state', state2);
      const code2 = new URL(
        (await fetch(authorize, { redirect: 'manual' })).headers.get('location')!,
      ).searchParams.get('code');
      const ok = await agent.get('/api/oauth/github').query({ code: code2, state: state2 });
      expect(ok.status).toBe(200);
      expect(ok.body.data).toMatchObject({ username: 'legacy-octo', role: 1 });
      expect((await agent.get('/api/user/self')).body.data.github_id).toBe('legacy-octo');
    });

    it('refuses a code GitHub does not accept, a disabled account, and new accounts when registration is off', async () => {
      const agent = request.agent(t.url);
      const state = (await agent.get('/api/oauth/state')).body.data;
      const badCode = await agent.get('/api/oauth/github').query({ code: 'forged', state });
      expect(badCode.status).toBe(401);
      expect(badCode.body.message).toMatch(/The code is wrong/);

      github.signInAs({ login: 'octo-banned' });
      await githubSignIn(request.agent(t.url));
      await root.post('/api/user/manage').send({ username: 'octo-banned', action: 'disable' }).expect(200);
      const banned = request.agent(t.url);
      const refused = await githubSignIn(banned);
      expect(refused.pathname).toBe('/login');
      expect(refused.searchParams.get('oauth_error')).toMatch(/disabled/);
      expect((await banned.get('/api/user/self')).status).toBe(401);

      await setOption(root, 'RegisterEnabled', 'false');
      try {
        github.signInAs({ login: 'octo-newcomer' });
        const closed = await githubSignIn(request.agent(t.url));
        expect(closed.searchParams.get('oauth_error')).toMatch(/registration/i);
        expect(await t.dataSource.query("SELECT id FROM users WHERE github_id = 'octo-newcomer'")).toEqual(
          [],
        );
      } finally {
        await setOption(root, 'RegisterEnabled', 'true');
      }
    });
  });

  describe('TOTP two-factor sign-in', () => {
    it('sets up, confirms, requires the code at sign-in, refuses replays, and disables', async () => {
      const id = await createUser('tina');
      const tina = await t.login('tina', 'password-123');
      expect((await tina.get('/api/user/totp/status').expect(200)).body.data).toEqual({
        totp_enabled: false,
      });

      const setup = (await tina.get('/api/user/totp/setup').expect(200)).body.data;
      expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(setup.qr_code).toMatch(/^otpauth:\/\/totp\/.*tina\?.*secret=/);
      expect(setup.qr_code).toContain(`secret=${setup.secret}`);

      expect((await tina.post('/api/user/totp/confirm').send({ totp_code: '000000' })).status).toBe(401);
      await tina
        .post('/api/user/totp/confirm')
        .send({ totp_code: codeAt(setup.secret, -1) })
        .expect(200);
      expect((await tina.get('/api/user/totp/status')).body.data).toEqual({ totp_enabled: true });
      const [row] = await query('SELECT totp_secret FROM users WHERE id = ?', [id]);
      expect(row.totp_secret).toBe(setup.secret);
      expect(JSON.stringify((await tina.get('/api/user/self')).body)).not.toContain(setup.secret);

      const noCode = await t.http
        .post('/api/user/login')
        .send({ username: 'tina', password: 'password-123' });
      expect(noCode.status).toBe(401);
      expect(noCode.body).toEqual({
        success: false,
        message: 'totp_required',
        data: { totp_required: true },
      });
      expect(sessionOf(noCode)).toBeUndefined();
      const wrong = await t.http.post('/api/user/login').send({
        username: 'tina',
        password: 'password-123',
        totp_code: '123456' === codeAt(setup.secret) ? '654321' : '123456',
      });
      expect(wrong.status).toBe(401);
      const code = codeAt(setup.secret);
      const good = await t.http
        .post('/api/user/login')
        .send({ username: 'tina', password: 'password-123', totp_code: code });
      expect(good.status).toBe(200);
      expect(sessionOf(good)).toBeTruthy();
      const replay = await t.http
        .post('/api/user/login')
        .send({ username: 'tina', password: 'password-123', totp_code: code });
      expect(replay.status).toBe(401);

      expect((await tina.post('/api/user/totp/disable').send({ totp_code: '000000' })).status).toBe(401);
      await tina
        .post('/api/user/totp/disable')
        .send({ totp_code: codeAt(setup.secret, 1) })
        .expect(200);
      await t.login('tina', 'password-123');
    });

    it('lets an admin turn it off for a lower-role user only, with a manage log', async () => {
      const id = await createUser('tom');
      const tom = await t.login('tom', 'password-123');
      const { secret } = (await tom.get('/api/user/totp/setup')).body.data;
      await tom
        .post('/api/user/totp/confirm')
        .send({ totp_code: codeAt(secret) })
        .expect(200);

      await createUser('helper');
      await root.post('/api/user/manage').send({ username: 'helper', action: 'promote' }).expect(200);
      const helper = await t.login('helper', 'password-123');
      const rootId = (await root.get('/api/user/self')).body.data.id;
      expect((await helper.post(`/api/user/totp/disable/${rootId}`)).status).toBe(403);
      expect((await tom.post(`/api/user/totp/disable/${id}`)).status).toBe(403);

      await helper.post(`/api/user/totp/disable/${id}`).expect(200);
      expect((await helper.post(`/api/user/totp/disable/${id}`)).status).toBe(400);
      await t.login('tom', 'password-123');
      const logs = await query('SELECT content FROM logs WHERE user_id = ? AND type = 3', [id]);
      expect(logs.map((l: { content: string }) => l.content)).toEqual([
        expect.stringMatching(/helper .*turned off two-factor/),
      ]);
    });

    it('locks TOTP checks after repeated wrong codes', async () => {
      await createUser('tess');
      const tess = await t.login('tess', 'password-123');
      const { secret } = (await tess.get('/api/user/totp/setup')).body.data;
      await tess
        .post('/api/user/totp/confirm')
        .send({ totp_code: codeAt(secret) })
        .expect(200);
      for (let i = 0; i < 3; i++) {
        expect((await tess.post('/api/user/totp/disable').send({ totp_code: '000000' })).status).toBe(401);
      }
      const locked = await tess.post('/api/user/totp/disable').send({ totp_code: codeAt(secret, 1) });
      expect(locked.status).toBe(429);
    });
  });

  describe('password sign-in hardening', () => {
    it('throttles repeated failures per IP and username, leaving other usernames alone', async () => {
      await createUser('victor');
      for (let i = 0; i < 3; i++) {
        const bad = await t.http
          .post('/api/user/login')
          .send({ username: 'victor', password: 'wrong-password' });
        expect(bad.status).toBe(401);
      }
      const locked = await t.http
        .post('/api/user/login')
        .send({ username: 'victor', password: 'password-123' });
      expect(locked.status).toBe(429);
      expect(locked.body.data.retry_after).toBeGreaterThan(0);
      await createUser('walter');
      await t.login('walter', 'password-123');
    });

    it('gives a new session value on every sign-in and replaces a planted cookie', async () => {
      await createUser('sam');
      const planted = 'session=planted-by-someone-else';
      const one = await t.http
        .post('/api/user/login')
        .set('Cookie', planted)
        .send({ username: 'sam', password: 'password-123' });
      const two = await t.http.post('/api/user/login').send({ username: 'sam', password: 'password-123' });
      expect(sessionOf(one)).toBeTruthy();
      expect(sessionOf(one)).not.toBe(planted);
      expect(sessionOf(one)).not.toBe(sessionOf(two));
    });

    it('signs every session out when the password changes', async () => {
      await createUser('paula');
      const laptop = await t.login('paula', 'password-123');
      const phone = await t.login('paula', 'password-123');
      await laptop.put('/api/user/self').send({ password: 'new-password-456' }).expect(200);
      expect((await laptop.get('/api/user/self')).status).toBe(200); // the browser that changed it stays in
      expect((await phone.get('/api/user/self')).status).toBe(401);
    });

    it('refuses cross-site writes carried by the session cookie (Origin / Referer check)', async () => {
      await createUser('olga');
      const olga = await t.login('olga', 'password-123');
      const evil = await olga.post('/api/token/').set('Origin', 'https://evil.example').send({ name: 'x' });
      expect(evil.status).toBe(403);
      expect(evil.body.message).toMatch(/Cross-site/);
      const evilReferer = await olga
        .post('/api/token/')
        .set('Referer', 'https://evil.example/page')
        .send({ name: 'x' });
      expect(evilReferer.status).toBe(403);
      expect((await olga.post('/api/token/').set('Origin', 'null').send({ name: 'x' })).status).toBe(403);
      expect((await olga.post('/api/token/').set('Origin', t.url).send({ name: 'same-site' })).status).toBe(
        200,
      );
      expect((await olga.post('/api/token/').send({ name: 'no-origin' })).status).toBe(200);
      // login CSRF: a foreign page cannot sign the browser in either
      const foreignLogin = await t.http
        .post('/api/user/login')
        .set('Origin', 'https://evil.example')
        .send({ username: 'olga', password: 'password-123' });
      expect(foreignLogin.status).toBe(403);
      // an access token is not ambient authority: scripts from anywhere may use it
      const token = (await olga.get('/api/user/token')).body.data;
      const withToken = await t.http
        .post('/api/token/')
        .set('Authorization', token)
        .set('Origin', 'https://elsewhere.example')
        .send({ name: 'by-token' });
      expect(withToken.status).toBe(200);
    });

    it('checks Turnstile on registration and after a failed sign-in when enabled', async () => {
      await setOption(root, 'TurnstileSiteKey', 'site-key');
      await setOption(root, 'TurnstileSecretKey', 'turnstile-secret');
      await setOption(root, 'TurnstileCheckEnabled', 'true');
      try {
        const body = { username: 'newbie', password: 'password-123' };
        const none = await t.http.post('/api/user/register').send(body);
        expect(none.status).toBe(403);
        expect(none.body.data).toEqual({ turnstile_required: true });
        const bot = await t.http.post('/api/user/register').query({ turnstile: 'bot-token' }).send(body);
        expect(bot.status).toBe(403);
        await t.http.post('/api/user/register').query({ turnstile: 'human-token' }).send(body).expect(200);

        const failed = await t.http
          .post('/api/user/login')
          .send({ username: 'newbie', password: 'wrong-password' });
        expect(failed.status).toBe(401);
        expect(failed.body.data).toEqual({ turnstile_required: true });
        const noToken = await t.http.post('/api/user/login').send(body);
        expect(noToken.status).toBe(403);
        const withToken = await t.http.post('/api/user/login').query({ turnstile: 'human-token' }).send(body);
        expect(withToken.status).toBe(200);
        expect(turnstile.calls).toBeGreaterThanOrEqual(3);
      } finally {
        await setOption(root, 'TurnstileCheckEnabled', 'false');
      }
    });
  });
});

describeEachEngine("root's default password", (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      engine,
      env: {
        FORCE_ROOT_PASSWORD_CHANGE: 'true',
        INITIAL_ROOT_ACCESS_TOKEN: 'root-access-token-0123456789abcd',
      },
    });
  });
  afterAll(async () => t?.close());

  it('warns and holds root sessions to a password change until it is done', async () => {
    const login = await t.http.post('/api/user/login').send({ username: 'root', password: '123456' });
    expect(login.status).toBe(200);
    expect(login.body.data.password_change_required).toBe(true);
    const cookie = sessionOf(login)!;
    const other = sessionOf(
      await t.http.post('/api/user/login').send({ username: 'root', password: '123456' }),
    )!;

    const blocked = await t.http.get('/api/channel/').set('Cookie', cookie);
    expect(blocked.status).toBe(403);
    expect(blocked.body.data).toEqual({ password_change_required: true });
    expect((await t.http.get('/api/option/').set('Cookie', cookie)).status).toBe(403);
    const self = await t.http.get('/api/user/self').set('Cookie', cookie);
    expect(self.status).toBe(200);
    expect(self.body.data.password_change_required).toBe(true);

    // automation with an access token keeps working, and is told too
    const viaToken = await t.http
      .get('/api/channel/')
      .set('Authorization', 'root-access-token-0123456789abcd');
    expect(viaToken.status).toBe(200);
    const selfViaToken = await t.http
      .get('/api/user/self')
      .set('Authorization', 'root-access-token-0123456789abcd');
    expect(selfViaToken.body.data.password_change_required).toBe(true);

    const changed = await t.http
      .put('/api/user/self')
      .set('Cookie', cookie)
      .send({ password: 'a-real-root-pass' });
    expect(changed.status).toBe(200);
    const renewed = sessionOf(changed)!;
    expect((await t.http.get('/api/channel/').set('Cookie', renewed)).status).toBe(200);
    expect(
      (await t.http.get('/api/user/self').set('Cookie', renewed)).body.data.password_change_required,
    ).toBeUndefined();
    expect((await t.http.get('/api/user/self').set('Cookie', other)).status).toBe(401);
    const again = await t.http
      .post('/api/user/login')
      .send({ username: 'root', password: 'a-real-root-pass' });
    expect(again.body.data.password_change_required).toBeUndefined();
  });
});
