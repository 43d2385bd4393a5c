import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';
import { listRoutes } from './routes';

type Agent = Awaited<ReturnType<TestApp['login']>>;

/**
 * The relay side of the authorization matrix: every /v1 (and /dashboard) route × every kind of API key — valid,
 * unknown, expired, exhausted, disabled, of a disabled user, used from outside its subnet, asking for a model outside
 * its allow-list, pinned to a channel by a user (only admins may pin) — with the expected outcome. Plus IDOR
 * attempts on the ids of other users' logs, traces and redemptions. Routes come from the running app, so a new
 * relay route is covered the day it is added.
 */

type KeyKind =
  | 'valid'
  | 'unknown'
  | 'expired'
  | 'exhausted'
  | 'disabled'
  | 'disabled-user'
  | 'wrong-subnet'
  | 'model-not-allowed'
  | 'user-pinned'
  | 'admin-pinned';

/** The answer every route must give a key of this kind: a status (and error code), or "admitted". */
const EXPECTED: Record<KeyKind, { status: number; code: string } | 'admitted'> = {
  valid: 'admitted',
  unknown: { status: 401, code: 'invalid_api_key' },
  expired: { status: 401, code: 'token_expired' },
  exhausted: { status: 403, code: 'insufficient_token_quota' },
  disabled: { status: 401, code: 'token_disabled' },
  'disabled-user': { status: 403, code: 'user_disabled' },
  'wrong-subnet': { status: 403, code: 'ip_not_allowed' },
  'model-not-allowed': { status: 403, code: 'model_not_allowed' },
  'user-pinned': { status: 403, code: 'channel_pin_not_allowed' },
  'admin-pinned': 'admitted',
};

/** Routes where a key's model allow-list and a quota check do not apply (they spend nothing and name no model). */
function spendsQuota(route: string): boolean {
  return route.startsWith('POST ') && !route.includes('count_tokens');
}

/** One API's stubs: 501 once the key is accepted (a bad key is refused first, as everywhere). */
const NOT_IMPLEMENTED = new Set(['POST /v1/images/variations']);

/** Routes that take multipart bodies or other required fields: a JSON probe is refused (400) before the model is read. */
const BODY_CHECKED_FIRST = /images\/edits|audio\/transcriptions|audio\/translations|rerank/;

/** Management-prefixed routes that are authenticated by an API key on purpose (the fork's external billing API). */
const KEY_AUTHENTICATED_API = new Set(['/api/token/balance', '/api/token/transactions', '/api/token/logs']);

function concrete(path: string, channelId: number): string {
  return path
    .replace(':channelid', String(channelId))
    .replace('*path', 'v1/models')
    .replace(':model', 'gpt-4o-mini')
    .replace('*model', 'gpt-4o-mini')
    .replace(':id', 'resp_does_not_exist');
}

const BODY = {
  model: 'gpt-4o-mini',
  max_tokens: 5,
  messages: [{ role: 'user', content: 'hi' }],
  input: 'hi',
  prompt: 'hi',
};

describe('authorization matrix: every relay route × every kind of API key', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let pinFake: FakeProvider;
  let pinnedChannel: number;
  const keys: Partial<Record<KeyKind, string>> = {};
  let root: Agent;
  let userA: Agent;
  let userB: Agent;

  async function user(name: string): Promise<Agent> {
    await root
      .post('/api/user/')
      .send({ username: name, password: 'password-123', quota: 10_000_000 })
      .expect(200);
    return t.login(name, 'password-123');
  }

  beforeAll(async () => {
    fake = await startFakeOpenAI({ record: false } as never);
    pinFake = await startFakeOpenAI();
    t = await startTestApp({ env: { LOG_LEVEL: 'silent' } });
    root = await t.login('root', '123456');
    await createChannel(root, {
      name: 'main',
      base_url: fake.url,
      models: 'gpt-4o-mini,gpt-4o,text-embedding-3-small,omni-moderation-latest,claude-3-5-haiku-latest',
    });
    pinnedChannel = await createChannel(root, {
      name: 'pin target',
      base_url: pinFake.url,
      models: 'gpt-4o-mini',
    });
    userA = await user('keysa');
    userB = await user('keysb');
    const sql = (q: string) => t.dataSource.query(q);

    keys.valid = (await createKey(userA, { name: 'valid', remain_quota: 1_000_000 })).key;
    keys.unknown = 'sk-thiskeydoesnotexistanywhere0000000000000000';
    const expired = await createKey(userA, { name: 'expired', remain_quota: 1_000_000 });
    await sql(
      `UPDATE tokens SET expired_time = ${Math.floor(Date.now() / 1000) - 60} WHERE id = ${expired.id}`,
    );
    keys.expired = expired.key;
    const exhausted = await createKey(userA, { name: 'exhausted', remain_quota: 1_000_000 });
    await sql(`UPDATE tokens SET remain_quota = 0 WHERE id = ${exhausted.id}`);
    keys.exhausted = exhausted.key;
    const disabled = await createKey(userA, { name: 'disabled', remain_quota: 1_000_000 });
    await userA.put('/api/token/?status_only=1').send({ id: disabled.id, status: 2 }).expect(200);
    keys.disabled = disabled.key;
    const gone = await user('keysgone');
    keys['disabled-user'] = (
      await createKey(gone, { name: 'of a disabled user', remain_quota: 1_000_000 })
    ).key;
    await root.post('/api/user/manage').send({ username: 'keysgone', action: 'disable' }).expect(200);
    keys['wrong-subnet'] = (
      await createKey(userA, { name: 'subnet', remain_quota: 1_000_000, subnet: '10.0.0.0/8' })
    ).key;
    keys['model-not-allowed'] = (
      await createKey(userA, { name: 'models', remain_quota: 1_000_000, models: 'gpt-4o' })
    ).key;
    keys['user-pinned'] = `${keys.valid}-${pinnedChannel}`;
    keys['admin-pinned'] =
      `${(await createKey(root, { name: 'root pin', unlimited_quota: true })).key}-${pinnedChannel}`;
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await pinFake?.close();
  });

  it('answers every relay route for every kind of key as expected', async () => {
    // GET, POST and DELETE: the methods relay routes serve (the proxy route's other methods go the same way).
    const routes = listRoutes(t.app)
      .filter((r) => ['GET', 'POST', 'DELETE'].includes(r.method))
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => / \/(v1|dashboard)\//.test(r));
    expect(routes.length).toBeGreaterThan(10);
    const failures: string[] = [];
    let cells = 0;
    for (const route of routes) {
      const [method, path] = route.split(' ');
      for (const kind of Object.keys(EXPECTED) as KeyKind[]) {
        let expected = EXPECTED[kind];
        // A model allow-list, a channel pin and the quota only matter where a model is called.
        if (
          (kind === 'model-not-allowed' || kind === 'user-pinned' || kind === 'exhausted') &&
          !spendsQuota(route)
        )
          continue;
        if (kind === 'model-not-allowed' && /moderations|proxy/.test(path)) continue;
        if (kind === 'user-pinned' && path.includes('proxy')) continue;
        // /v1/images/variations names no model: a model allow-list does not matter, it answers 501 (as One API).
        const keyIsFine = expected === 'admitted' || kind === 'model-not-allowed';
        if (NOT_IMPLEMENTED.has(route) && keyIsFine) expected = { status: 501, code: 'api_not_implemented' };
        else if (kind === 'model-not-allowed' && BODY_CHECKED_FIRST.test(path))
          expected = { status: 400, code: 'invalid_request_error' };
        cells++;
        const call = t.http[method.toLowerCase() as 'get' | 'post' | 'delete'](
          concrete(path, pinnedChannel),
        ).set('Authorization', `Bearer ${keys[kind]}`);
        let res;
        try {
          res = method === 'POST' ? await call.send(BODY) : await call;
        } catch (error) {
          failures.push(`${route} with a ${kind} key: no answer (${(error as Error).message})`);
          continue;
        }
        const body = res.body as { error?: { code?: string; message?: string }; type?: string };
        if (expected === 'admitted') {
          if (res.status === 401 || res.status === 403)
            failures.push(`${route} with a ${kind} key: refused ${res.status} ${JSON.stringify(body)}`);
        } else {
          const code = body?.error?.code ?? (body as { error?: { type?: string } })?.error?.type;
          if (res.status !== expected.status)
            failures.push(
              `${route} with a ${kind} key: ${res.status} ${JSON.stringify(body).slice(0, 160)}, expected ${expected.status}`,
            );
          else if (
            !path.includes('messages') &&
            code !== expected.code &&
            body?.error?.code !== expected.code
          )
            failures.push(`${route} with a ${kind} key: code ${code}, expected ${expected.code}`);
          if (!body?.error?.message) failures.push(`${route} with a ${kind} key: no error message`);
        }
        if (res.status >= 500 && res.status !== 503 && !NOT_IMPLEMENTED.has(route))
          failures.push(`${route} with a ${kind} key: server error ${res.status}`);
      }
    }
    process.stdout.write(
      `authorization matrix (keys): ${routes.length} relay routes, ${cells} route × key cells checked\n`,
    );
    expect(failures).toEqual([]);
  });

  it('no API key, not even a valid one, opens a management route', async () => {
    const routes = listRoutes(t.app)
      .filter((r) => r.method === 'GET' && r.path.startsWith('/api/') && !r.path.includes(':'))
      // The external billing API (the fork's /api/token/balance, /transactions, /logs) is made for API keys.
      .filter((r) => !KEY_AUTHENTICATED_API.has(r.path))
      .map((r) => r.path);
    const failures: string[] = [];
    for (const path of routes) {
      const anonymous = await t.http.get(path);
      if (anonymous.status !== 401) continue; // public routes
      for (const kind of ['valid', 'admin-pinned', 'expired'] as KeyKind[]) {
        const res = await t.http.get(path).set('Authorization', `Bearer ${keys[kind]}`);
        if (res.status !== 401) failures.push(`${path} with a ${kind} API key: ${res.status}`);
      }
    }
    expect(routes.length).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  });

  it("an admin's pinned key is served by the pinned channel only", async () => {
    pinFake.reset();
    const res = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${keys['admin-pinned']}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'pinned' }] });
    expect(res.status).toBe(200);
    expect(pinFake.requests.length).toBe(1);
  });

  it("refuses ids of other users' tokens, logs, traces and redemptions (IDOR)", async () => {
    // A request by user A leaves a consume log and a trace that belong to A.
    const aKey = keys.valid!;
    const done = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${aKey}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'mine' }] })
      .expect(200);
    await settled(t);
    const requestId = done.headers['x-oneapi-request-id'] as string;
    const [log] = await t.dataSource.query(`SELECT id, trace_id FROM logs WHERE request_id = '${requestId}'`);
    expect(log).toBeDefined();

    // A sees it (once the trace batch is written), B does not — neither in lists nor by id, and B's answer is the
    // one for an id that does not exist (no existence oracle).
    let own = 0;
    for (let i = 0; i < 40 && own !== 200; i++) {
      own = (await userA.get(`/api/trace/log/${log.id}`)).status;
      if (own !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(own).toBe(200);
    const asB = await userB.get(`/api/trace/log/${log.id}`);
    const missing = await userB.get('/api/trace/log/99999999');
    expect(asB.status).toBe(404);
    expect(asB.body).toEqual(missing.body);
    if (log.trace_id) expect([403, 404]).toContain((await userB.get(`/api/trace/${log.trace_id}`)).status);
    const bLogs = await userB.get('/api/log/self');
    expect(JSON.stringify(bLogs.body)).not.toContain(requestId);
    const bSearch = await userB.get(`/api/log/self/search?keyword=${requestId}`);
    expect(JSON.stringify(bSearch.body)).not.toContain(requestId);

    // Tokens: B cannot read, edit, disable or delete A's key by id.
    const aToken = (await userA.get('/api/token/?p=0')).body.data[0];
    expect([403, 404]).toContain((await userB.get(`/api/token/${aToken.id}`)).status);
    expect([403, 404]).toContain(
      (await userB.put('/api/token/').send({ id: aToken.id, name: 'stolen' })).status,
    );
    expect([403, 404]).toContain((await userB.delete(`/api/token/${aToken.id}`)).status);

    // Redemptions are admin-only: a user cannot read one by id, list them, or create one.
    const created = await root
      .post('/api/redemption/')
      .send({ name: 'idor', quota: 1000, count: 1 })
      .expect(200);
    expect(created.body.success).toBe(true);
    const redemption = (await root.get('/api/redemption/?p=0')).body.data[0];
    for (const res of [
      await userB.get(`/api/redemption/${redemption.id}`),
      await userB.get('/api/redemption/'),
      await userB.delete(`/api/redemption/${redemption.id}`),
      await userB.post('/api/redemption/').send({ name: 'mine', quota: 1_000_000, count: 1 }),
    ])
      expect(res.status).toBe(403);
  });
});
