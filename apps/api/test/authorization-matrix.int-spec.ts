import { METHODS } from 'node:http';
import { startTestApp, TestApp } from './harness';
import { listRoutes } from './routes';

type Level = 'public' | 'user' | 'admin' | 'root' | 'key';
type Actor = 'anonymous' | 'userA' | 'userB' | 'admin' | 'root' | 'disabled';

/** The expected guard of every route; a route missing here fails the test, so new routes must declare theirs. */
const EXPECTED: Record<string, Level> = {
  'GET /api/status': 'public',
  'GET /api/notice': 'public',
  'GET /api/about': 'public',
  'GET /api/home_page_content': 'public',
  'POST /api/user/login': 'public',
  'GET /api/user/logout': 'public',
  'POST /api/user/register': 'public',
  'GET /api/cost/request/:requestId': 'public',
  'GET /api/status/channel': 'public',
  'GET /metrics': 'public',
  'GET /api/verification': 'public',
  'GET /api/reset_password': 'public',
  'POST /api/user/reset': 'public',
  'GET /api/oauth/state': 'public',
  'GET /api/oauth/oidc/start': 'public',
  'GET /api/oauth/oidc': 'public',
  'GET /api/oauth/github/start': 'public',
  'GET /api/oauth/github': 'public',

  'GET /api/log/self': 'user',
  'GET /api/log/self/search': 'user',
  'GET /api/log/self/stat': 'user',
  'GET /api/user/self': 'user',
  'PUT /api/user/self': 'user',
  'DELETE /api/user/self': 'user',
  'GET /api/user/token': 'user',
  'GET /api/user/aff': 'user',
  'GET /api/user/available_models': 'user',
  'GET /api/user/dashboard': 'user',
  'GET /api/oauth/email/bind': 'user',
  'GET /api/user/totp/status': 'user',
  'GET /api/user/totp/setup': 'user',
  'POST /api/user/totp/confirm': 'user',
  'POST /api/user/totp/disable': 'user',
  'POST /api/user/topup': 'user',
  'GET /api/trace/log/:logId': 'user',
  'GET /api/trace/:traceId': 'user',
  'GET /api/token': 'user',
  'GET /api/token/search': 'user',
  'GET /api/token/:id': 'user',
  'POST /api/token': 'user',
  'PUT /api/token': 'user',
  'DELETE /api/token/:id': 'user',

  'GET /api/group': 'admin',
  'GET /api/log': 'admin',
  'GET /api/log/search': 'admin',
  'GET /api/log/stat': 'admin',
  'DELETE /api/log': 'admin',
  'GET /api/user/search': 'admin',
  'POST /api/user/manage': 'admin',
  'GET /api/user': 'admin',
  'POST /api/user': 'admin',
  'PUT /api/user': 'admin',
  'GET /api/user/:id': 'admin',
  'DELETE /api/user/:id': 'admin',
  'POST /api/topup': 'admin',
  'POST /api/user/totp/disable/:id': 'admin',
  'GET /api/channel': 'admin',
  'GET /api/channel/search': 'admin',
  'GET /api/channel/models': 'admin',
  'GET /api/channel/:id': 'admin',
  'GET /api/channel/test': 'admin',
  'GET /api/channel/test/:id': 'admin',
  'GET /api/channel/update_balance': 'admin',
  'GET /api/channel/update_balance/:id': 'admin',
  'POST /api/channel': 'admin',
  'PUT /api/channel': 'admin',
  'DELETE /api/channel/disabled': 'admin',
  'DELETE /api/channel/:id': 'admin',
  'GET /api/channel/pricing/:id': 'admin',
  'PUT /api/channel/pricing/:id': 'admin',
  'GET /api/channel/default-pricing': 'admin',
  'GET /api/usage': 'admin',
  'GET /api/usage/self': 'user',
  'GET /api/models': 'admin',
  'GET /api/redemption': 'admin',
  'GET /api/redemption/search': 'admin',
  'GET /api/redemption/:id': 'admin',
  'POST /api/redemption': 'admin',
  'PUT /api/redemption': 'admin',
  'DELETE /api/redemption/:id': 'admin',

  'GET /api/option': 'root',
  'PUT /api/option': 'root',

  'POST /v1/chat/completions': 'key',
  'POST /v1/responses': 'key',
  'POST /v1/messages': 'key',
  'POST /v1/messages/count_tokens': 'key',
  'GET /v1/responses/:id': 'key',
  'DELETE /v1/responses/:id': 'key',
  'POST /v1/completions': 'key',
  'POST /v1/embeddings': 'key',
  'POST /v1/engines/:model/embeddings': 'key',
  'POST /v1/moderations': 'key',
  'POST /v1/images/generations': 'key',
  'POST /v1/images/edits': 'key',
  'POST /v1/images/variations': 'key',
  'POST /v1/audio/speech': 'key',
  'POST /v1/audio/transcriptions': 'key',
  'POST /v1/audio/translations': 'key',
  'POST /v1/rerank': 'key',
  'POST /v2/rerank': 'key',
  // One API's transparent proxy answers every method (ALL = the route exists for each of http.METHODS).
  'ALL /v1/oneapi/proxy/:channelid/*path': 'key',
  'GET /v1/models': 'key',
  'GET /v1/models/*model': 'key',
  'GET /dashboard/billing/subscription': 'key',
  'GET /v1/dashboard/billing/subscription': 'key',
  'GET /dashboard/billing/usage': 'key',
  'GET /v1/dashboard/billing/usage': 'key',
  // the fork's external billing API: an API key, answered in the management envelope
  'POST /api/token/consume': 'key',
  'GET /api/token/balance': 'key',
  'GET /api/token/transactions': 'key',
  'GET /api/token/logs': 'key',
};

/** Routes whose effect would spoil the other rows (deleting the caller, rotating its credential) run on throwaway users below. */
const SELF_DESTRUCTIVE = new Set(['DELETE /api/user/self', 'GET /api/user/token']);

const ALLOWED: Record<Exclude<Level, 'key'>, (actor: Actor) => boolean> = {
  public: () => true,
  user: (a) => a !== 'anonymous' && a !== 'disabled',
  admin: (a) => a === 'admin' || a === 'root',
  root: (a) => a === 'root',
};

function concrete(path: string): string {
  return path
    .replace(':requestId', 'no-such-request')
    .replace(':model', 'gpt-4o-mini')
    .replace('*model', 'gpt-4o-mini')
    .replace(':id', '987654');
}

describe('authorization matrix: every route × every kind of caller', () => {
  let t: TestApp;
  const credentials: Partial<Record<Actor, string>> = {};
  let relayKey: string;

  async function makeUser(username: string, role: number): Promise<string> {
    const root = await t.login('root', '123456');
    const created = await root
      .post('/api/user/')
      .send({ username, password: 'password-123', display_name: username, role });
    if (!created.body.success) throw new Error(JSON.stringify(created.body));
    const agent = await t.login(username, 'password-123');
    return (await agent.get('/api/user/token').expect(200)).body.data as string;
  }

  beforeAll(async () => {
    t = await startTestApp();
    const root = await t.login('root', '123456');
    credentials.root = (await root.get('/api/user/token').expect(200)).body.data;
    credentials.userA = await makeUser('usera', 1);
    credentials.userB = await makeUser('userb', 1);
    credentials.admin = await makeUser('admin1', 10);
    credentials.disabled = await makeUser('gone', 1);
    await root.post('/api/user/manage').send({ username: 'gone', action: 'disable' }).expect(200);
    relayKey = (await root.post('/api/token/').send({ name: 'matrix', unlimited_quota: true })).body.data.key;
  });
  afterAll(async () => t?.close());

  it('declares an expectation for every route the app serves', () => {
    const routes = listRoutes(t.app);
    const everyMethod = (path: string) =>
      METHODS.every((m) => routes.some((r) => r.path === path && r.method === m));
    const served = [
      ...new Set(routes.map((r) => (everyMethod(r.path) ? `ALL ${r.path}` : `${r.method} ${r.path}`))),
    ];
    const missing = served.filter((r) => !(r in EXPECTED));
    const stale = Object.keys(EXPECTED).filter((r) => !served.includes(r));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  const send = (method: string, path: string, headers: Record<string, string>) => {
    const verb = method === 'ALL' ? 'get' : (method.toLowerCase() as 'get' | 'post' | 'put' | 'delete');
    const req = t.http[verb](path);
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return verb === 'get' || verb === 'delete' ? req : req.send({});
  };

  it('admits exactly the allowed callers on every management route', async () => {
    const failures: string[] = [];
    for (const [route, level] of Object.entries(EXPECTED)) {
      if (level === 'key' || SELF_DESTRUCTIVE.has(route)) continue;
      const [method, path] = route.split(' ');
      for (const actor of ['anonymous', 'userA', 'userB', 'admin', 'root', 'disabled'] as Actor[]) {
        const headers: Record<string, string> =
          actor === 'anonymous' ? {} : { Authorization: credentials[actor]! };
        const res = await send(method, concrete(path), headers);
        const denied = res.status === 401 || res.status === 403;
        const shouldPass = ALLOWED[level](actor);
        if (shouldPass === denied)
          failures.push(`${route} as ${actor}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
        if (!shouldPass && actor === 'anonymous' && level !== 'public' && res.status !== 401)
          failures.push(`${route} as anonymous: expected 401, got ${res.status}`);
        if (!shouldPass && actor !== 'anonymous' && res.status !== 403)
          failures.push(`${route} as ${actor}: expected 403, got ${res.status}`);
        if (res.status >= 500) failures.push(`${route} as ${actor}: server error ${res.status}`);
        if (method.startsWith('/api') || path.startsWith('/api')) {
          if (
            typeof res.body?.success !== 'boolean' &&
            // browser sign-in starts answer with a redirect (to the provider, or to /login?oauth_error=…)
            !(res.status === 302 && path.endsWith('/start')) &&
            route !== 'GET /api/channel/models' &&
            route !== 'GET /api/cost/request/:requestId'
          ) {
            failures.push(`${route} as ${actor}: answer is not the envelope`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('keeps relay routes for sk- keys: management credentials are not API keys', async () => {
    const failures: string[] = [];
    for (const [route, level] of Object.entries(EXPECTED)) {
      if (level !== 'key') continue;
      const [method, path] = route.split(' ');
      for (const actor of ['anonymous', 'userA', 'admin', 'root'] as Actor[]) {
        const headers: Record<string, string> =
          actor === 'anonymous' ? {} : { Authorization: credentials[actor]! };
        const res = await send(method, concrete(path), headers);
        if (res.status !== 401)
          failures.push(`${route} with ${actor}'s access token: expected 401, got ${res.status}`);
        const shaped = path.startsWith('/api/') ? res.body?.success === false : !!res.body?.error?.message;
        if (!shaped) failures.push(`${route} as ${actor}: not the error body of its kind`);
      }
      const withKey = await send(method, concrete(path), { Authorization: `Bearer ${relayKey}` });
      if (withKey.status === 401 || withKey.status === 403)
        failures.push(`${route} with a valid key: HTTP ${withKey.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("rotates only the caller's own access token, for signed-in callers", async () => {
    const throwaway = await makeUser('rotator', 1);
    expect((await t.http.get('/api/user/token')).status).toBe(401);
    expect((await t.http.get('/api/user/token').set('Authorization', credentials.disabled!)).status).toBe(
      403,
    );
    const rotated = await t.http.get('/api/user/token').set('Authorization', throwaway).expect(200);
    expect(rotated.body.data).toMatch(/^[0-9a-f]{32}$/);
    expect((await t.http.get('/api/user/self').set('Authorization', throwaway)).status).toBe(401);
    expect(
      (await t.http.get('/api/user/self').set('Authorization', rotated.body.data)).body.data.username,
    ).toBe('rotator');
  });

  it('lets a user delete only themself, and never root', async () => {
    const throwaway = await makeUser('leaving', 1);
    expect((await t.http.delete('/api/user/self')).status).toBe(401);
    expect((await t.http.delete('/api/user/self').set('Authorization', credentials.disabled!)).status).toBe(
      403,
    );
    expect((await t.http.delete('/api/user/self').set('Authorization', throwaway)).status).toBe(200);
    expect((await t.http.get('/api/user/self').set('Authorization', throwaway)).status).toBe(403);
    expect((await t.http.delete('/api/user/self').set('Authorization', credentials.root!)).status).toBe(403);
  });

  it("refuses to act on other users' tokens (IDOR) and on users of equal or higher role", async () => {
    const asA = { Authorization: credentials.userA! };
    const mine = await t.http.post('/api/token/').set(asA).send({ name: 'a-token' });
    const id = mine.body.data.id as number;
    const asB = { Authorization: credentials.userB! };
    expect((await t.http.get(`/api/token/${id}`).set(asB)).status).toBe(404);
    expect((await t.http.put('/api/token/').set(asB).send({ id, name: 'stolen' })).status).toBe(404);
    expect((await t.http.put('/api/token/?status_only=1').set(asB).send({ id, status: 2 })).status).toBe(404);
    expect((await t.http.delete(`/api/token/${id}`).set(asB)).status).toBe(404);
    expect((await t.http.get(`/api/token/${id}`).set(asA)).body.data.name).toBe('a-token');

    const asAdmin = { Authorization: credentials.admin! };
    const rootRow = (await t.http.get('/api/user/search?keyword=root').set(asAdmin)).body.data.find(
      (u: { username: string }) => u.username === 'root',
    );
    expect((await t.http.get(`/api/user/${rootRow.id}`).set(asAdmin)).status).toBe(403);
    expect(
      (await t.http.post('/api/user/manage').set(asAdmin).send({ username: 'root', action: 'disable' }))
        .status,
    ).toBe(403);
    expect(
      (
        await t.http
          .post('/api/user/')
          .set(asAdmin)
          .send({ username: 'sneaky', password: 'password-123', role: 10 })
      ).status,
    ).toBe(403);
    expect(
      (await t.http.post('/api/user/manage').set(asAdmin).send({ username: 'usera', action: 'promote' }))
        .status,
    ).toBe(403);
  });
});
