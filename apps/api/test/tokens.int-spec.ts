import request from 'supertest';
import { hashPassword, unixNow } from '@one-api/server-common';
import { Token, User } from '@one-api/server-db';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';

type Agent = ReturnType<typeof request.agent>;

const TOKEN_FIELDS = [
  'accessed_time',
  'created_time',
  'expired_time',
  'id',
  'key',
  'models',
  'name',
  'remain_quota',
  'status',
  'subnet',
  'unlimited_quota',
  'used_quota',
  'user_id',
];

describeEachEngine('tokens API', (engine) => {
  let t: TestApp;
  let alice: Agent;
  let bob: Agent;
  let aliceId: number;
  let bobId: number;

  async function createUser(username: string): Promise<number> {
    const users = t.dataSource.getRepository(User);
    const saved = await users.save(
      users.create({
        username,
        password: await hashPassword('password123'),
        displayName: username,
        role: 1,
        status: 1,
        email: '',
        quota: 0,
        group: 'default',
        affCode: username,
        accessToken: null,
      }),
    );
    return saved.id;
  }

  const tokenRow = (id: number) => t.dataSource.getRepository(Token).findOneBy({ id });

  async function create(agent: Agent, body: Record<string, unknown>) {
    const res = await agent.post('/api/token/').send(body);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    return res.body.data as Record<string, any>;
  }

  beforeAll(async () => {
    t = await startTestApp({ engine });
    aliceId = await createUser('alice');
    bobId = await createUser('bob');
    alice = await t.login('alice', 'password123');
    bob = await t.login('bob', 'password123');
  });
  afterAll(async () => t?.close());

  it('requires a signed-in user', async () => {
    const res = await t.http.get('/api/token/');
    expect(res.status).toBe(401);
    expect(res.body.success).toBe(false);
  });

  it('creates a token with a 48-char key shown with the sk- prefix and stored bare', async () => {
    const before = unixNow();
    const token = await create(alice, { name: 'first' });
    expect(Object.keys(token).sort()).toEqual(TOKEN_FIELDS);
    expect(token.key).toMatch(/^sk-[0-9a-zA-Z]{48}$/);
    expect(token).toMatchObject({
      user_id: aliceId,
      status: 1,
      name: 'first',
      expired_time: -1,
      remain_quota: 0,
      unlimited_quota: false,
      used_quota: 0,
      models: null,
      subnet: '',
    });
    expect(token.created_time).toBeGreaterThanOrEqual(before);
    expect(token.accessed_time).toBe(token.created_time);
    const row = await tokenRow(token.id);
    expect(row?.key).toBe(token.key.slice(3));
    expect(row?.key).toHaveLength(48);
    expect(Number(row?.userId)).toBe(aliceId);

    const again = await create(alice, { name: 'second' });
    expect(again.key).not.toBe(token.key);
  });

  it('ignores a user_id in the body: the owner is always the caller', async () => {
    const token = await create(bob, { name: 'mine', user_id: aliceId });
    expect(token.user_id).toBe(bobId);
  });

  it('stores expired_time 0 as never, and the given fields as sent', async () => {
    const never = await create(alice, { name: 'never', expired_time: 0 });
    expect(never.expired_time).toBe(-1);
    const future = unixNow() + 3600;
    const token = await create(alice, {
      name: 'full',
      expired_time: future,
      remain_quota: 12345,
      unlimited_quota: true,
      models: ' gpt-4o, gpt-4o-mini ,gpt-4o,',
      subnet: ' 10.0.0.0/8 , 2001:db8::/32',
    });
    expect(token).toMatchObject({
      expired_time: future,
      remain_quota: 12345,
      unlimited_quota: true,
      models: 'gpt-4o,gpt-4o-mini',
      subnet: '10.0.0.0/8,2001:db8::/32',
    });
    const row = await tokenRow(token.id);
    expect(row).toMatchObject({ models: 'gpt-4o,gpt-4o-mini', subnet: '10.0.0.0/8,2001:db8::/32' });
    expect(Number(row?.remainQuota)).toBe(12345);
    expect(Boolean(row?.unlimitedQuota)).toBe(true);
  });

  it('rejects bad names', async () => {
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(31) }, { name: 42 }]) {
      const res = await alice.post('/api/token/').send(body);
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.message).toMatch(/name/);
    }
    const ok30 = await alice.post('/api/token/').send({ name: 'x'.repeat(30) });
    expect(ok30.status).toBe(200);
  });

  it('rejects bad field types', async () => {
    for (const [field, value] of [
      ['expired_time', 'tomorrow'],
      ['expired_time', -5],
      ['remain_quota', 1.5],
      ['unlimited_quota', 'yes'],
      ['models', 5],
    ] as const) {
      const res = await alice.post('/api/token/').send({ name: 'typed', [field]: value });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
    }
  });

  it('validates every subnet and names the bad one', async () => {
    for (const bad of ['10.0.0.0/33', 'abc', '1.2.3.4', '10.0.0.0/8,300.0.0.0/8', '2001:db8::/129']) {
      const res = await alice.post('/api/token/').send({ name: 'net', subnet: bad });
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      const offending = bad.split(',').pop()!;
      expect(res.body.message).toContain(`"${offending}"`);
    }
    const id = (await create(alice, { name: 'net-ok', subnet: '192.168.0.0/16' })).id;
    const res = await alice.put('/api/token/').send({ id, subnet: '192.168.0.0/16,999.1.1.1/8' });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('999.1.1.1/8');
    expect((await tokenRow(id))?.subnet).toBe('192.168.0.0/16');
  });

  it('lists only the caller tokens, newest first, with total and pages', async () => {
    const res = await alice.get('/api/token/?p=0&size=100');
    expect(res.status).toBe(200);
    const rows = res.body.data as Array<Record<string, any>>;
    const aliceCount = await t.dataSource.getRepository(Token).countBy({ userId: aliceId });
    expect(res.body.total).toBe(aliceCount);
    expect(rows).toHaveLength(aliceCount);
    expect(rows.every((r) => r.user_id === aliceId)).toBe(true);
    expect(rows.every((r) => /^sk-[0-9a-zA-Z]{48}$/.test(r.key))).toBe(true);
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const page0 = await alice.get('/api/token/?p=0&size=2');
    const page1 = await alice.get('/api/token/?p=1&size=2');
    expect(page0.body.data.map((r: any) => r.id)).toEqual(ids.slice(0, 2));
    expect(page1.body.data.map((r: any) => r.id)).toEqual(ids.slice(2, 4));
    expect(page1.body.total).toBe(aliceCount);

    const bobRows = (await bob.get('/api/token/')).body.data as Array<Record<string, any>>;
    expect(bobRows.every((r) => r.user_id === bobId)).toBe(true);
    expect(bobRows.some((r) => ids.includes(r.id))).toBe(false);
  });

  it('orders by remain_quota or used_quota when asked', async () => {
    const a = await create(alice, { name: 'order-a', remain_quota: 5 });
    const b = await create(alice, { name: 'order-b', remain_quota: 999999 });
    await t.dataSource.getRepository(Token).update({ id: a.id }, { usedQuota: 888888 });
    const byRemain = (await alice.get('/api/token/?order=remain_quota&size=100')).body.data as any[];
    const remains = byRemain.map((r) => r.remain_quota);
    expect(remains).toEqual([...remains].sort((x, y) => y - x));
    expect(byRemain[0].id).toBe(b.id);
    const byUsed = (await alice.get('/api/token/?order=used_quota&size=100')).body.data as any[];
    expect(byUsed[0].id).toBe(a.id);
    const fallback = (await alice.get('/api/token/?order=key&size=100')).body.data as any[];
    expect(fallback[0].id).toBe(b.id);
  });

  it('searches own tokens by name prefix', async () => {
    await create(alice, { name: 'Search-One' });
    await create(alice, { name: 'search-two' });
    await create(alice, { name: 'other-search' });
    await create(alice, { name: 'search%literal' });
    await create(bob, { name: 'search-bob' });
    const res = await alice.get('/api/token/search?keyword=search');
    expect(res.status).toBe(200);
    const names = (res.body.data as any[]).map((r) => r.name).sort();
    expect(names).toEqual(['Search-One', 'search%literal', 'search-two']);
    expect(res.body.total).toBe(3);
    const literal = await alice.get('/api/token/search').query({ keyword: 'search%' });
    expect((literal.body.data as any[]).map((r) => r.name)).toEqual(['search%literal']);
  });

  it('reads one own token; an id that is not the caller is 404', async () => {
    const token = await create(alice, { name: 'private' });
    const res = await alice.get(`/api/token/${token.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(token);
    expect((await bob.get(`/api/token/${token.id}`)).status).toBe(404);
    expect((await alice.get('/api/token/99999999')).status).toBe(404);
    expect((await alice.get('/api/token/abc')).status).toBe(400);
  });

  it("never lets another user update or delete someone's token", async () => {
    const token = await create(alice, { name: 'guarded', remain_quota: 100 });
    const update = await bob.put('/api/token/').send({ id: token.id, name: 'stolen', remain_quota: 1 });
    expect(update.status).toBe(404);
    expect(update.body.success).toBe(false);
    const status = await bob.put('/api/token/?status_only=1').send({ id: token.id, status: 2 });
    expect(status.status).toBe(404);
    const del = await bob.delete(`/api/token/${token.id}`);
    expect(del.status).toBe(404);
    const row = await tokenRow(token.id);
    expect(row).toMatchObject({ name: 'guarded', status: 1 });
    expect(Number(row?.remainQuota)).toBe(100);
  });

  it('updates the editable fields and keeps key, status and usage', async () => {
    const token = await create(alice, { name: 'edit-me', remain_quota: 10, models: 'a' });
    await t.dataSource.getRepository(Token).update({ id: token.id }, { usedQuota: 7 });
    const future = unixNow() + 7200;
    const res = await alice.put('/api/token/').send({
      id: token.id,
      name: 'edited',
      expired_time: future,
      remain_quota: 500,
      unlimited_quota: true,
      models: 'gpt-4o,o3',
      subnet: '10.1.0.0/16',
      status: 2,
      key: 'sk-attempted-override',
      user_id: bobId,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: token.id,
      key: token.key,
      user_id: aliceId,
      status: 1,
      name: 'edited',
      expired_time: future,
      remain_quota: 500,
      unlimited_quota: true,
      used_quota: 7,
      models: 'gpt-4o,o3',
      subnet: '10.1.0.0/16',
    });
    const cleared = await alice
      .put('/api/token/')
      .send({ id: token.id, models: null, subnet: '', expired_time: 0 });
    expect(cleared.body.data).toMatchObject({ models: null, subnet: '', expired_time: -1, name: 'edited' });
    const blank = await alice.put('/api/token/').send({ id: token.id, name: '  ' });
    expect(blank.status).toBe(400);
    const noId = await alice.put('/api/token/').send({ name: 'x' });
    expect(noId.status).toBe(400);
    expect(noId.body.message).toMatch(/id/);
  });

  it('status_only changes just the status and refuses to enable expired or exhausted tokens', async () => {
    const token = await create(alice, { name: 'switch', remain_quota: 50 });
    const off = await alice
      .put('/api/token/?status_only=1')
      .send({ id: token.id, status: 2, name: 'ignored' });
    expect(off.status).toBe(200);
    expect(off.body.data).toMatchObject({ status: 2, name: 'switch' });
    expect((await tokenRow(token.id))?.status).toBe(2);
    const on = await alice.put('/api/token/?status_only=1').send({ id: token.id, status: 1 });
    expect(on.status).toBe(200);
    expect(on.body.data.status).toBe(1);

    const missing = await alice.put('/api/token/?status_only=1').send({ id: token.id });
    expect(missing.status).toBe(400);
    const bogus = await alice.put('/api/token/?status_only=1').send({ id: token.id, status: 9 });
    expect(bogus.status).toBe(400);

    const repo = t.dataSource.getRepository(Token);
    // expired
    await repo.update({ id: token.id }, { status: 3, expiredTime: unixNow() - 10 });
    const expired = await alice.put('/api/token/?status_only=1').send({ id: token.id, status: 1 });
    expect(expired.status).toBe(400);
    expect(expired.body.message).toMatch(/expired/);
    expect((await tokenRow(token.id))?.status).toBe(3);
    await alice.put('/api/token/').send({ id: token.id, expired_time: -1 });
    expect((await alice.put('/api/token/?status_only=1').send({ id: token.id, status: 1 })).status).toBe(200);

    // exhausted
    await repo.update({ id: token.id }, { status: 4, remainQuota: 0 });
    const exhausted = await alice.put('/api/token/?status_only=1').send({ id: token.id, status: 1 });
    expect(exhausted.status).toBe(400);
    expect(exhausted.body.message).toMatch(/quota/);
    expect((await tokenRow(token.id))?.status).toBe(4);
    // disabling an exhausted token is fine; an unlimited one can be enabled with no quota left
    expect((await alice.put('/api/token/?status_only=1').send({ id: token.id, status: 2 })).status).toBe(200);
    await alice.put('/api/token/').send({ id: token.id, unlimited_quota: true });
    const unlimited = await alice.put('/api/token/?status_only=1').send({ id: token.id, status: 1 });
    expect(unlimited.status).toBe(200);
    expect(unlimited.body.data).toMatchObject({ status: 1, remain_quota: 0, unlimited_quota: true });
  });

  it('deletes own tokens', async () => {
    const token = await create(alice, { name: 'doomed' });
    const res = await alice.delete(`/api/token/${token.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: '' });
    expect(await tokenRow(token.id)).toBeNull();
    expect((await alice.get(`/api/token/${token.id}`)).status).toBe(404);
    expect((await alice.delete(`/api/token/${token.id}`)).status).toBe(404);
  });

  it('accepts the management access token too', async () => {
    const root = await t.login('root', '123456');
    const accessToken = (await root.get('/api/user/token')).body.data as string | undefined;
    const stored = (await t.dataSource.getRepository(User).findOneBy({ username: 'root' }))?.accessToken;
    const credential = accessToken || stored;
    expect(credential).toBeTruthy();
    const res = await t.http
      .post('/api/token/')
      .set('Authorization', credential!)
      .send({ name: 'via-access-token' });
    expect(res.status).toBe(200);
    expect(res.body.data.user_id).toBe(
      (await t.dataSource.getRepository(User).findOneBy({ username: 'root' }))!.id,
    );
  });
});
