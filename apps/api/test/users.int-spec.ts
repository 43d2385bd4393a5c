import request from 'supertest';
import { LogType, Role, UserStatus } from '@one-api/contracts';
import { Ability, Log, Token, User } from '@one-api/server-db';
import { OptionsService } from '@one-api/server-options';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';

type Agent = ReturnType<typeof request.agent>;

const LOGIN_FAILED = 'Invalid username or password, or the user is disabled';
const DAY = 86400;

function sessionCookie(res: request.Response): string {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
  const line = (raw ?? []).find((c) => c.startsWith('session='));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(raw)}`);
  return line;
}

describeEachEngine('users and accounts', (engine) => {
  let t: TestApp;
  let root: Agent;
  let options: OptionsService;
  let seq = 0;
  /** a fresh username (unique per test run, short enough for every limit) */
  const uname = (prefix: string) => `${prefix}${++seq}`;

  const users = () => t.dataSource.getRepository(User);
  const userByName = (username: string) => users().findOneByOrFail({ username });

  /** Root creates a user through the API and returns its id. */
  async function createUser(username: string, extra: Record<string, unknown> = {}): Promise<number> {
    const res = await root.post('/api/user/').send({ username, password: 'password123', ...extra });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    return res.body.data.id as number;
  }

  async function withOptions(values: Record<string, string>, body: () => Promise<void>): Promise<void> {
    const before = Object.fromEntries(Object.keys(values).map((k) => [k, options.get(k)]));
    for (const [k, v] of Object.entries(values)) await options.set(k, v);
    try {
      await body();
    } finally {
      for (const [k, v] of Object.entries(before)) await options.set(k, v);
    }
  }

  beforeAll(async () => {
    t = await startTestApp({ engine });
    options = t.app.get(OptionsService);
    root = await t.login('root', '123456');
  });
  afterAll(async () => t?.close());

  describe('login and logout', () => {
    it('signs in with a session cookie (HttpOnly, SameSite=Lax) and returns only public fields', async () => {
      const res = await t.http.post('/api/user/login').send({ username: 'root', password: '123456' });
      expect(res.status).toBe(200);
      const rootRow = await userByName('root');
      expect(res.body).toEqual({
        success: true,
        message: '',
        data: {
          id: rootRow.id,
          username: 'root',
          display_name: 'Root User',
          role: 100,
          status: 1,
          group: 'default',
          // root still has the seeded password: the answer says it must be changed
          password_change_required: true,
        },
      });
      const cookie = sessionCookie(res);
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*SameSite=Lax/i);
      expect(cookie).toMatch(/;\s*Path=\//i);
      const self = await t.http.get('/api/user/self').set('Cookie', cookie.split(';')[0]);
      expect(self.status).toBe(200);
      expect(self.body.data.username).toBe('root');
    });

    it('refuses wrong credentials with 401 and empty fields with 400 naming the field', async () => {
      const bad = await t.http.post('/api/user/login').send({ username: 'root', password: 'nope' });
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ success: false, message: LOGIN_FAILED });
      expect(bad.headers['set-cookie']).toBeUndefined();
      const unknown = await t.http
        .post('/api/user/login')
        .send({ username: 'nobody-here', password: '123456' });
      expect(unknown.status).toBe(401);
      expect(unknown.body.message).toBe(LOGIN_FAILED);
      const empty = await t.http.post('/api/user/login').send({ username: '', password: 'x' });
      expect(empty.status).toBe(400);
      expect(empty.body.success).toBe(false);
      expect(empty.body.message).toContain('username');
      const missing = await t.http.post('/api/user/login').send({ username: 'root' });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toContain('password');
    });

    it('accepts the email as the username', async () => {
      const name = uname('mail');
      await createUser(name, { email: `${name}@example.com` });
      const res = await t.http
        .post('/api/user/login')
        .send({ username: `${name}@example.com`, password: 'password123' });
      expect(res.status).toBe(200);
      expect(res.body.data.username).toBe(name);
    });

    it('refuses disabled users', async () => {
      const name = uname('dis');
      await createUser(name);
      const agent = await t.login(name, 'password123');
      const manage = await root.post('/api/user/manage').send({ username: name, action: 'disable' });
      expect(manage.status).toBe(200);
      expect(manage.body.data).toEqual({ role: Role.Common, status: UserStatus.Disabled });
      const res = await t.http.post('/api/user/login').send({ username: name, password: 'password123' });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe(LOGIN_FAILED);
      // an existing session of a disabled user stops working too
      expect((await agent.get('/api/user/self')).status).toBe(403);
      await root.post('/api/user/manage').send({ username: name, action: 'enable' });
      expect(
        (await t.http.post('/api/user/login').send({ username: name, password: 'password123' })).status,
      ).toBe(200);
    });

    it('PasswordLoginEnabled=false blocks everyone except root', async () => {
      const name = uname('pl');
      await createUser(name);
      await withOptions({ PasswordLoginEnabled: 'false' }, async () => {
        const user = await t.http.post('/api/user/login').send({ username: name, password: 'password123' });
        expect(user.status).toBe(403);
        expect(user.body.success).toBe(false);
        expect(user.body.message).toMatch(/password login/i);
        const rootLogin = await t.http.post('/api/user/login').send({ username: 'root', password: '123456' });
        expect(rootLogin.status).toBe(200);
      });
    });

    it('logout clears the cookie', async () => {
      const res = await t.http.get('/api/user/logout');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, message: '' });
      const cookie = sessionCookie(res);
      expect(cookie).toMatch(/^session=;/);
      expect(cookie).toMatch(/Expires=Thu, 01 Jan 1970/);
    });
  });

  describe('access token', () => {
    it('rotates the token and accepts it raw and with "Bearer "', async () => {
      const first = await root.get('/api/user/token');
      expect(first.status).toBe(200);
      expect(first.body.data).toMatch(/^[0-9a-f]{32}$/);
      expect((await userByName('root')).accessToken).toBe(first.body.data);

      const raw = await t.http.get('/api/user/self').set('Authorization', first.body.data);
      expect(raw.status).toBe(200);
      expect(raw.body.data.username).toBe('root');
      const bearer = await t.http.get('/api/user/self').set('Authorization', `Bearer ${first.body.data}`);
      expect(bearer.status).toBe(200);

      const second = await t.http.get('/api/user/token').set('Authorization', first.body.data);
      expect(second.body.data).not.toBe(first.body.data);
      expect((await t.http.get('/api/user/self').set('Authorization', first.body.data)).status).toBe(401);
      expect((await t.http.get('/api/user/self').set('Authorization', second.body.data)).status).toBe(200);
    });

    it('rejects calls without any credential', async () => {
      const res = await t.http.get('/api/user/self');
      expect(res.status).toBe(401);
      expect(res.body.success).toBe(false);
    });
  });

  describe('register', () => {
    it('creates the user, its "default" key and pays the invitation bonuses', async () => {
      await withOptions(
        { QuotaForNewUser: '100', QuotaForInviter: '30', QuotaForInvitee: '20' },
        async () => {
          const alice = uname('alice');
          const res = await t.http
            .post('/api/user/register')
            .send({ username: alice, password: 'password123' });
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ success: true, message: '' });

          const a = await userByName(alice);
          expect(a).toMatchObject({ role: 1, status: 1, group: 'default', displayName: alice, inviterId: 0 });
          expect(Number(a.quota)).toBe(100);
          expect(a.affCode).toMatch(/^[0-9a-zA-Z]{4}$/);
          expect(a.accessToken).toMatch(/^[0-9a-f]{32}$/);
          expect(a.password.startsWith('$2a$10$')).toBe(true);

          const keys = await t.dataSource.getRepository(Token).findBy({ userId: a.id });
          expect(keys).toHaveLength(1);
          expect(keys[0]).toMatchObject({ name: 'default', status: 1, unlimitedQuota: true, models: null });
          expect(Number(keys[0].expiredTime)).toBe(-1);
          expect(Number(keys[0].remainQuota)).toBe(-1);
          expect(keys[0].key).toMatch(/^[0-9a-zA-Z]{48}$/);
          expect(Number(keys[0].createdTime)).toBeGreaterThan(Date.now() / 1000 - 60);
          expect(Number(keys[0].accessedTime)).toBe(Number(keys[0].createdTime));

          const aliceAgent = await t.login(alice, 'password123');
          const aff = await aliceAgent.get('/api/user/aff');
          expect(aff.body.data).toBe(a.affCode);

          const bob = uname('bob');
          const invited = await t.http
            .post('/api/user/register')
            .send({ username: bob, password: 'password123', aff_code: a.affCode });
          expect(invited.status).toBe(200);
          const b = await userByName(bob);
          expect(Number(b.quota)).toBe(120);
          expect(Number(b.inviterId)).toBe(a.id);
          expect(b.affCode).not.toBe(a.affCode);
          expect(Number((await userByName(alice)).quota)).toBe(130);

          const logs = t.dataSource.getRepository(Log);
          const bobLogs = await logs.findBy({ userId: b.id, type: LogType.System });
          expect(bobLogs).toHaveLength(2);
          const aliceLogs = await logs.findBy({ userId: a.id, type: LogType.System });
          expect(aliceLogs).toHaveLength(2);
          expect(aliceLogs.map((l) => l.content).join('|')).toMatch(/invit/i);
        },
      );
    });

    it('refuses a taken username with 409 and bad fields with 400', async () => {
      const name = uname('dup');
      expect(
        (await t.http.post('/api/user/register').send({ username: name, password: 'password123' })).status,
      ).toBe(200);
      const dup = await t.http.post('/api/user/register').send({ username: name, password: 'password123' });
      expect(dup.status).toBe(409);
      expect(dup.body).toEqual({ success: false, message: 'Username already exists' });

      const short = await t.http.post('/api/user/register').send({ username: uname('s'), password: 'short' });
      expect(short.status).toBe(400);
      expect(short.body.message).toContain('password');
      const long = await t.http
        .post('/api/user/register')
        .send({ username: 'x'.repeat(31), password: 'password123' });
      expect(long.status).toBe(400);
      expect(long.body.message).toContain('username');
      const thirty = `y${String(++seq).padStart(29, '0')}`;
      expect(thirty).toHaveLength(30);
      const ok30 = await t.http
        .post('/api/user/register')
        .send({ username: thirty, password: 'password123' });
      expect(ok30.status).toBe(200);
      const email = await t.http
        .post('/api/user/register')
        .send({ username: uname('e'), password: 'password123', email: 'not-mail' });
      expect(email.status).toBe(400);
      expect(email.body.message).toContain('email');
    });

    it('obeys RegisterEnabled, PasswordRegisterEnabled and EmailVerificationEnabled', async () => {
      const body = () => ({ username: uname('gate'), password: 'password123' });
      await withOptions({ RegisterEnabled: 'false' }, async () => {
        const res = await t.http.post('/api/user/register').send(body());
        expect(res.status).toBe(403);
        expect(res.body.message).toMatch(/registration/i);
      });
      await withOptions({ PasswordRegisterEnabled: 'false' }, async () => {
        const res = await t.http.post('/api/user/register').send(body());
        expect(res.status).toBe(403);
        expect(res.body.message).toMatch(/password/i);
      });
      await withOptions({ EmailVerificationEnabled: 'true' }, async () => {
        const res = await t.http.post('/api/user/register').send(body());
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(/^email verification is required/);
        const withCode = await t.http
          .post('/api/user/register')
          .send({ ...body(), email: 'a@example.com', verification_code: '123456' });
        // A code that was never sent is refused (the full flow with a real mailbox is in sign-in-email.e2e-spec.ts).
        expect(withCode.status).toBe(400);
        expect(withCode.body.message).toBe('Invalid or expired verification code');
      });
      const after = await t.http.post('/api/user/register').send(body());
      expect(after.status).toBe(200);
    });
  });

  describe('self service', () => {
    it('shows the caller without password or access token', async () => {
      const name = uname('me');
      const id = await createUser(name, { display_name: 'Me Myself', quota: 42 });
      const agent = await t.login(name, 'password123');
      const res = await agent.get('/api/user/self');
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        id,
        username: name,
        display_name: 'Me Myself',
        role: 1,
        status: 1,
        quota: 42,
        group: 'default',
      });
      expect(res.body.data).not.toHaveProperty('password');
      expect(res.body.data).not.toHaveProperty('access_token');
    });

    it('updates the profile; a password change invalidates the old cookie and issues a new one', async () => {
      const name = uname('chg');
      await createUser(name);
      const login = await t.http.post('/api/user/login').send({ username: name, password: 'password123' });
      const oldCookie = sessionCookie(login).split(';')[0];

      const display = await t.http
        .put('/api/user/self')
        .set('Cookie', oldCookie)
        .send({ display_name: 'New Name' });
      expect(display.status).toBe(200);
      expect((await userByName(name)).displayName).toBe('New Name');

      const tooShort = await t.http.put('/api/user/self').set('Cookie', oldCookie).send({ password: 'abc' });
      expect(tooShort.status).toBe(400);
      expect(tooShort.body.message).toContain('password');

      const taken = await t.http.put('/api/user/self').set('Cookie', oldCookie).send({ username: 'root' });
      expect(taken.status).toBe(409);

      const change = await t.http
        .put('/api/user/self')
        .set('Cookie', oldCookie)
        .send({ password: 'brand-new-pass' });
      expect(change.status).toBe(200);
      const newCookie = sessionCookie(change).split(';')[0];
      expect(newCookie).not.toBe(oldCookie);

      expect((await t.http.get('/api/user/self').set('Cookie', oldCookie)).status).toBe(401);
      expect((await t.http.get('/api/user/self').set('Cookie', newCookie)).status).toBe(200);
      expect(
        (await t.http.post('/api/user/login').send({ username: name, password: 'password123' })).status,
      ).toBe(401);
      expect(
        (await t.http.post('/api/user/login').send({ username: name, password: 'brand-new-pass' })).status,
      ).toBe(200);
    });

    it('deletes itself (soft), but root cannot', async () => {
      const rootDelete = await root.delete('/api/user/self');
      expect(rootDelete.status).toBe(403);
      expect((await userByName('root')).status).toBe(1);

      const name = uname('bye');
      const id = await createUser(name);
      const agent = await t.login(name, 'password123');
      const res = await agent.delete('/api/user/self');
      expect(res.status).toBe(200);
      const row = await users().findOneByOrFail({ id });
      expect(row.status).toBe(UserStatus.Deleted);
      expect(row.username).toMatch(/^deleted_[0-9a-f]{32}$/);
      expect(
        (await t.http.post('/api/user/login').send({ username: name, password: 'password123' })).status,
      ).toBe(401);
    });

    it('lists the models of enabled abilities of the caller group, sorted and distinct', async () => {
      await t.dataSource.getRepository(Ability).insert([
        { group: 'default', model: 'm-zeta', channelId: 901, enabled: true, priority: 0 },
        { group: 'default', model: 'm-alpha', channelId: 901, enabled: true, priority: 0 },
        { group: 'default', model: 'm-alpha', channelId: 902, enabled: true, priority: 0 },
        { group: 'default', model: 'm-off', channelId: 902, enabled: false, priority: 0 },
        { group: 'vip', model: 'm-vip', channelId: 903, enabled: true, priority: 0 },
      ]);
      const res = await root.get('/api/user/available_models');
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(['m-alpha', 'm-zeta']);
      const vipName = uname('vip');
      await createUser(vipName, { group: 'vip' });
      const vip = await t.login(vipName, 'password123');
      expect((await vip.get('/api/user/available_models')).body.data).toEqual(['m-vip']);
    });

    it('aggregates the last 7 days of consume logs per UTC day and model', async () => {
      const name = uname('dash');
      const id = await createUser(name);
      const otherId = await createUser(uname('other'));
      const now = Math.floor(Date.now() / 1000);
      const today = now - (now % DAY);
      const row = (
        userId: number,
        createdAt: number,
        modelName: string,
        quota: number,
        type: number = LogType.Consume,
      ) => ({
        userId,
        createdAt,
        type,
        content: '',
        username: name,
        modelName,
        quota,
        promptTokens: quota * 2,
        completionTokens: quota * 3,
      });
      await t.dataSource.getRepository(Log).insert([
        row(id, today + 1, 'gpt-b', 10),
        row(id, today + 2, 'gpt-b', 5),
        row(id, today + 3, 'gpt-a', 7),
        row(id, today - 2 * DAY + 100, 'gpt-a', 4),
        row(id, today - 6 * DAY, 'gpt-a', 1), // first second of the window
        row(id, today - 7 * DAY + 10, 'gpt-a', 1000), // too old
        row(id, today + 4, 'gpt-a', 999, LogType.Topup), // not a consume log
        row(otherId, today + 5, 'gpt-a', 888), // someone else
      ]);
      const agent = await t.login(name, 'password123');
      const res = await agent.get('/api/user/dashboard');
      expect(res.status).toBe(200);
      const day = (offset: number) => new Date((today + offset * DAY) * 1000).toISOString().slice(0, 10);
      expect(res.body.data).toEqual([
        { Day: day(-6), ModelName: 'gpt-a', RequestCount: 1, Quota: 1, PromptTokens: 2, CompletionTokens: 3 },
        {
          Day: day(-2),
          ModelName: 'gpt-a',
          RequestCount: 1,
          Quota: 4,
          PromptTokens: 8,
          CompletionTokens: 12,
        },
        {
          Day: day(0),
          ModelName: 'gpt-a',
          RequestCount: 1,
          Quota: 7,
          PromptTokens: 14,
          CompletionTokens: 21,
        },
        {
          Day: day(0),
          ModelName: 'gpt-b',
          RequestCount: 2,
          Quota: 15,
          PromptTokens: 30,
          CompletionTokens: 45,
        },
      ]);
    });
  });

  describe('admin user management', () => {
    let admin: Agent;
    let adminId: number;
    let otherAdminId: number;
    let commonName: string;
    let commonId: number;
    let rootId: number;

    beforeAll(async () => {
      rootId = (await userByName('root')).id;
      const adminName = uname('adm');
      adminId = await createUser(adminName, { role: Role.Admin });
      otherAdminId = await createUser(uname('adm'), { role: Role.Admin });
      commonName = uname('cu');
      commonId = await createUser(commonName, { quota: 1000 });
      admin = await t.login(adminName, 'password123');
    });

    it('lists users newest first with a total and never exposes secrets', async () => {
      const total = await users().count();
      const res = await root.get('/api/user/?p=0&size=3');
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(total);
      expect(res.body.data).toHaveLength(3);
      const ids = res.body.data.map((u: { id: number }) => u.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(ids[0]).toBe(Math.max(...(await users().find()).map((u) => u.id)));
      for (const u of res.body.data) {
        expect(u).not.toHaveProperty('password');
        expect(u).not.toHaveProperty('access_token');
      }
      const second = await root.get('/api/user/?p=1&size=3');
      expect(second.body.data[0].id).toBeLessThan(ids[2]);
    });

    it('searches by id and by username/email/display name prefix', async () => {
      const byName = await admin.get(`/api/user/search?keyword=${commonName}`);
      expect(byName.status).toBe(200);
      expect(byName.body.data.map((u: { username: string }) => u.username)).toEqual([commonName]);
      expect(byName.body.data[0]).not.toHaveProperty('access_token');
      const byId = await admin.get(`/api/user/search?keyword=${commonId}`);
      expect(byId.body.data.map((u: { id: number }) => u.id)).toContain(commonId);
      const none = await admin.get('/api/user/search?keyword=zz-no-such-user');
      expect(none.body).toMatchObject({ success: true, data: [], total: 0 });
    });

    it('lets admins read only lower roles; unknown ids are 404, bad ids 400', async () => {
      expect((await admin.get(`/api/user/${commonId}`)).body.data.username).toBe(commonName);
      expect((await admin.get(`/api/user/${rootId}`)).status).toBe(403);
      expect((await admin.get(`/api/user/${otherAdminId}`)).status).toBe(403);
      expect((await admin.get(`/api/user/${adminId}`)).status).toBe(403);
      const rootRead = await root.get(`/api/user/${adminId}`);
      expect(rootRead.status).toBe(200);
      expect(rootRead.body.data).not.toHaveProperty('access_token');
      expect((await root.get('/api/user/999999')).status).toBe(404);
      const bad = await root.get('/api/user/abc');
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('id');
    });

    it('keeps common users out of admin routes', async () => {
      const agent = await t.login(commonName, 'password123');
      expect((await agent.get('/api/user/')).status).toBe(403);
      expect((await agent.post('/api/topup').send({ user_id: commonId, quota: 5 })).status).toBe(403);
      expect((await t.http.get('/api/user/')).status).toBe(401);
    });

    it('creates users only below the caller role', async () => {
      const asAdmin = await admin
        .post('/api/user/')
        .send({ username: uname('x'), password: 'password123', role: Role.Admin });
      expect(asAdmin.status).toBe(403);
      const asRoot = await root
        .post('/api/user/')
        .send({ username: uname('x'), password: 'password123', role: Role.Root });
      expect(asRoot.status).toBe(403);
      const name = uname('made');
      const made = await admin
        .post('/api/user/')
        .send({ username: name, password: 'password123', display_name: 'Made' });
      expect(made.status).toBe(200);
      expect(made.body.data).toMatchObject({
        username: name,
        display_name: 'Made',
        role: 1,
        status: 1,
        group: 'default',
      });
      expect(made.body.data).not.toHaveProperty('password');
      const row = await userByName(name);
      expect(row.accessToken).toMatch(/^[0-9a-f]{32}$/);
      expect(row.affCode).toMatch(/^[0-9a-zA-Z]{4}$/);
      expect(await t.dataSource.getRepository(Token).countBy({ userId: row.id })).toBe(0);
      const dup = await admin.post('/api/user/').send({ username: name, password: 'password123' });
      expect(dup.status).toBe(409);
      const missing = await admin.post('/api/user/').send({ password: 'password123' });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toContain('username');
    });

    it('updates lower-role users and logs quota changes', async () => {
      const res = await admin
        .put('/api/user/')
        .send({ id: commonId, quota: 2500, display_name: 'Renamed', group: 'vip' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        id: commonId,
        quota: 2500,
        display_name: 'Renamed',
        group: 'vip',
      });
      const row = await users().findOneByOrFail({ id: commonId });
      expect(Number(row.quota)).toBe(2500);
      const logs = await t.dataSource.getRepository(Log).findBy({ userId: commonId, type: LogType.Manage });
      expect(logs).toHaveLength(1);
      expect(logs[0].content).toMatch(/changed quota from .* to /);

      expect((await admin.put('/api/user/').send({ id: rootId, quota: 1 })).status).toBe(403);
      expect((await admin.put('/api/user/').send({ id: otherAdminId, display_name: 'x' })).status).toBe(403);
      expect((await admin.put('/api/user/').send({ id: commonId, role: Role.Admin })).status).toBe(403);
      expect((await root.put('/api/user/').send({ id: rootId, role: Role.Common })).status).toBe(403);
      expect((await root.put('/api/user/').send({ id: 999999, quota: 1 })).status).toBe(404);
      const badQuota = await root.put('/api/user/').send({ id: commonId, quota: 'lots' });
      expect(badQuota.status).toBe(400);
      expect(badQuota.body.message).toContain('quota');
      // an empty password means "unchanged"
      expect((await root.put('/api/user/').send({ id: commonId, password: '' })).status).toBe(200);
      expect(
        (await t.http.post('/api/user/login').send({ username: commonName, password: 'password123' })).status,
      ).toBe(200);
    });

    it('manages users: promote is root-only, root cannot be disabled, deleted or demoted', async () => {
      const name = uname('mg');
      await createUser(name);
      const promoteByAdmin = await admin.post('/api/user/manage').send({ username: name, action: 'promote' });
      expect(promoteByAdmin.status).toBe(403);
      expect(
        (await admin.post('/api/user/manage').send({ username: 'root', action: 'disable' })).status,
      ).toBe(403);
      const adminRow = await users().findOneByOrFail({ id: otherAdminId });
      expect(
        (await admin.post('/api/user/manage').send({ username: adminRow.username, action: 'disable' }))
          .status,
      ).toBe(403);

      const promote = await root.post('/api/user/manage').send({ username: name, action: 'promote' });
      expect(promote.status).toBe(200);
      expect(promote.body).toEqual({
        success: true,
        message: '',
        data: { role: Role.Admin, status: UserStatus.Enabled },
      });
      expect((await userByName(name)).role).toBe(Role.Admin);
      // now an admin: the other admin may not touch it any more
      expect((await admin.post('/api/user/manage').send({ username: name, action: 'demote' })).status).toBe(
        403,
      );
      const demote = await root.post('/api/user/manage').send({ username: name, action: 'demote' });
      expect(demote.body.data).toEqual({ role: Role.Common, status: UserStatus.Enabled });

      for (const action of ['disable', 'delete', 'demote']) {
        const res = await root.post('/api/user/manage').send({ username: 'root', action });
        expect(res.status).toBe(403);
      }
      const rootRow = await userByName('root');
      expect(rootRow).toMatchObject({ role: Role.Root, status: UserStatus.Enabled });

      const unknownAction = await root.post('/api/user/manage').send({ username: name, action: 'explode' });
      expect(unknownAction.status).toBe(400);
      expect(unknownAction.body.message).toContain('action');
      expect(
        (await root.post('/api/user/manage').send({ username: 'ghost-user', action: 'enable' })).status,
      ).toBe(404);

      const del = await admin.post('/api/user/manage').send({ username: name, action: 'delete' });
      expect(del.body.data).toEqual({ role: Role.Common, status: UserStatus.Deleted });
    });

    it('soft-deletes by id, freeing the username', async () => {
      const name = uname('del');
      const id = await createUser(name);
      expect((await admin.delete(`/api/user/${rootId}`)).status).toBe(403);
      expect((await root.delete(`/api/user/${rootId}`)).status).toBe(403);
      expect((await admin.delete(`/api/user/${otherAdminId}`)).status).toBe(403);
      expect((await admin.delete('/api/user/999999')).status).toBe(404);
      const res = await admin.delete(`/api/user/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, message: '' });
      const row = await users().findOneByOrFail({ id });
      expect(row.status).toBe(UserStatus.Deleted);
      expect(row.username).toMatch(/^deleted_[0-9a-f]{32}$/);
      const again = await t.http.post('/api/user/register').send({ username: name, password: 'password123' });
      expect(again.status).toBe(200);
      expect((await userByName(name)).id).not.toBe(id);
    });

    it('tops up quota atomically with a topup log', async () => {
      const before = Number((await users().findOneByOrFail({ id: commonId })).quota);
      const res = await admin
        .post('/api/topup')
        .send({ user_id: commonId, quota: 500, remark: 'welcome gift' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, message: '', data: before + 500 });
      const results = await Promise.all(
        Array.from({ length: 5 }, () => root.post('/api/topup').send({ user_id: commonId, quota: 100 })),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(Number((await users().findOneByOrFail({ id: commonId })).quota)).toBe(before + 1000);
      const logs = await t.dataSource.getRepository(Log).findBy({ userId: commonId, type: LogType.Topup });
      expect(logs).toHaveLength(6);
      const gift = logs.find((l) => Number(l.quota) === 500);
      expect(gift?.content).toContain('welcome gift');

      expect((await admin.post('/api/topup').send({ user_id: rootId, quota: 5 })).status).toBe(403);
      expect((await root.post('/api/topup').send({ user_id: 999999, quota: 5 })).status).toBe(404);
      const bad = await root.post('/api/topup').send({ user_id: commonId, quota: 'x' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('quota');
    });
  });
});
