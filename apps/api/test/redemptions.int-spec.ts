import { LogType } from '@one-api/contracts';
import { dashlessUuid } from '@one-api/server-common';
import { Log, Redemption, User } from '@one-api/server-db';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';

const REDEMPTION_KEYS = ['created_time', 'id', 'key', 'name', 'quota', 'redeemed_time', 'status', 'user_id'];

describeEachEngine('redemption codes', (engine) => {
  let t: TestApp;
  let root: string;
  let rootId: number;
  let admin: string;
  let adminId: number;

  async function addUser(username: string, role = 1): Promise<{ id: number; token: string }> {
    const token = dashlessUuid();
    const result = await t.dataSource.getRepository(User).insert({
      username,
      password: 'not-a-login',
      displayName: username,
      role,
      status: 1,
      email: '',
      group: 'default',
      quota: 0,
      accessToken: token,
    });
    return { id: result.identifiers[0].id as number, token };
  }
  const quotaOf = async (id: number) =>
    Number((await t.dataSource.getRepository(User).findOneByOrFail({ id })).quota);
  const codeRow = (key: string) => t.dataSource.getRepository(Redemption).findOneByOrFail({ key });
  const create = (body: Record<string, unknown>, token = admin) =>
    t.http.post('/api/redemption/').set('Authorization', token).send(body);
  const redeem = (key: unknown, token: string) =>
    t.http.post('/api/user/topup').set('Authorization', token).send({ key });

  beforeAll(async () => {
    t = await startTestApp({ engine });
    const rootRow = await t.dataSource.getRepository(User).findOneByOrFail({ username: 'root' });
    root = rootRow.accessToken ?? '';
    rootId = rootRow.id;
    ({ token: admin, id: adminId } = await addUser('red_admin', 10));
  });
  afterAll(async () => t?.close());

  it('is admin-only', async () => {
    const user = await addUser('red_plain');
    expect((await t.http.get('/api/redemption/')).status).toBe(401);
    expect((await t.http.get('/api/redemption/').set('Authorization', user.token)).status).toBe(403);
    expect((await create({ name: 'x', count: 1 }, user.token)).status).toBe(403);
    expect((await t.http.get('/api/redemption/').set('Authorization', admin)).status).toBe(200);
    expect(await t.dataSource.getRepository(Redemption).count()).toBe(0);
  });

  it('validates the create body, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: '', count: 1 }, 'name'],
      [{ name: 'x'.repeat(21), count: 1 }, 'name'],
      [{ count: 1 }, 'name'],
      [{ name: 'ok', count: 0 }, 'count'],
      [{ name: 'ok', count: 101 }, 'count'],
      [{ name: 'ok' }, 'count'],
      [{ name: 'ok', count: 1, quota: -5 }, 'quota'],
      [{ name: 'ok', count: 1, quota: 'lots' }, 'quota'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.message).toContain(field);
    }
    expect(await t.dataSource.getRepository(Redemption).count()).toBe(0);
  });

  it('creates codes: 32-hex keys, quota default 100, creator and time recorded', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await create({ name: 'welcome', quota: 0, count: 3 });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const keys = res.body.data as string[];
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    for (const key of keys) {
      expect(key).toMatch(/^[0-9a-f]{32}$/);
      const row = await codeRow(key);
      expect(row).toMatchObject({ userId: adminId, status: 1, name: 'welcome' });
      expect(Number(row.quota)).toBe(100);
      expect(Number(row.createdTime)).toBeGreaterThanOrEqual(before);
    }
    const big = await create({ name: 'big', quota: 5000, count: 1 }, root);
    expect(Number((await codeRow(big.body.data[0])).quota)).toBe(5000);
    expect((await codeRow(big.body.data[0])).userId).toBe(rootId);
    const max = await create({ name: 'bulk', quota: 1, count: 100 });
    expect(max.body.data).toHaveLength(100);
  });

  it('lists newest first with p, size and total', async () => {
    const total = await t.dataSource.getRepository(Redemption).count();
    expect(total).toBe(104);
    const first = await t.http.get('/api/redemption/?p=0&size=5').set('Authorization', admin);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(total);
    expect(first.body.data).toHaveLength(5);
    const ids = first.body.data.map((r: { id: number }) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    for (const row of first.body.data) expect(Object.keys(row).sort()).toEqual(REDEMPTION_KEYS);
    const second = await t.http.get('/api/redemption/?p=1&size=5').set('Authorization', admin);
    expect(second.body.data[0].id).toBeLessThan(ids[4]);
    const last = await t.http.get('/api/redemption/?p=20&size=5').set('Authorization', admin);
    expect(last.body.data).toHaveLength(4);
    const defaults = await t.http.get('/api/redemption/').set('Authorization', admin);
    expect(defaults.body.data).toHaveLength(10);
    expect((await t.http.get('/api/redemption/?p=x').set('Authorization', admin)).status).toBe(400);
  });

  it('searches by id or name prefix, with wildcards taken literally', async () => {
    await create({ name: '100%_off', count: 1 });
    const byName = await t.http
      .get('/api/redemption/search?keyword=welc&size=50')
      .set('Authorization', admin);
    expect(byName.status).toBe(200);
    expect(byName.body.total).toBe(3);
    expect(byName.body.data.every((r: { name: string }) => r.name === 'welcome')).toBe(true);
    const middle = await t.http.get('/api/redemption/search?keyword=elcome').set('Authorization', admin);
    expect(middle.body.total).toBe(0);
    const wildcard = await t.http.get('/api/redemption/search?keyword=%25').set('Authorization', admin);
    expect(wildcard.body.total).toBe(0);
    const literal = await t.http
      .get(`/api/redemption/search?keyword=${encodeURIComponent('100%_')}`)
      .set('Authorization', admin);
    expect(literal.body.data.map((r: { name: string }) => r.name)).toEqual(['100%_off']);
    const id = byName.body.data[0].id;
    const byId = await t.http.get(`/api/redemption/search?keyword=${id}`).set('Authorization', admin);
    expect(byId.body.data.map((r: { id: number }) => r.id)).toContain(id);
  });

  it('gets, updates and deletes one code', async () => {
    const [key] = (await create({ name: 'edit-me', quota: 10, count: 1 })).body.data;
    const { id } = await codeRow(key);
    const got = await t.http.get(`/api/redemption/${id}`).set('Authorization', admin);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({
      id,
      key,
      name: 'edit-me',
      quota: 10,
      status: 1,
      user_id: adminId,
      redeemed_time: 0,
    });
    expect(Object.keys(got.body.data).sort()).toEqual(REDEMPTION_KEYS);
    expect((await t.http.get('/api/redemption/999999').set('Authorization', admin)).status).toBe(404);
    expect((await t.http.get('/api/redemption/abc').set('Authorization', admin)).status).toBe(400);

    const upd = await t.http
      .put('/api/redemption/')
      .set('Authorization', admin)
      .send({ id, name: 'renamed', quota: 77 });
    expect(upd.status).toBe(200);
    expect(upd.body.data).toMatchObject({ id, name: 'renamed', quota: 77, status: 1 });
    // a full update never touches the status
    await t.http
      .put('/api/redemption/')
      .set('Authorization', admin)
      .send({ id, name: 'renamed', quota: 77, status: 2 });
    expect((await codeRow(key)).status).toBe(1);
    expect(
      (await t.http.put('/api/redemption/').set('Authorization', admin).send({ id, name: '' })).status,
    ).toBe(400);
    expect(
      (await t.http.put('/api/redemption/').set('Authorization', admin).send({ id: 999999, name: 'x' }))
        .status,
    ).toBe(404);

    const disable = await t.http
      .put('/api/redemption/?status_only=1')
      .set('Authorization', admin)
      .send({ id, status: 2, name: 'ignored' });
    expect(disable.status).toBe(200);
    expect(disable.body.data).toMatchObject({ status: 2, name: 'renamed' });
    expect(
      (await t.http.put('/api/redemption/?status_only=1').set('Authorization', admin).send({ id })).status,
    ).toBe(400);
    expect(
      (await t.http.put('/api/redemption/?status_only=1').set('Authorization', admin).send({ id, status: 9 }))
        .status,
    ).toBe(400);

    const user = await addUser('red_disabled');
    const refused = await redeem(key, user.token);
    expect(refused.status).toBe(400);
    expect(await quotaOf(user.id)).toBe(0);

    const del = await t.http.delete(`/api/redemption/${id}`).set('Authorization', admin);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ success: true, message: '' });
    expect(await t.dataSource.getRepository(Redemption).findOneBy({ id })).toBeNull();
    expect((await t.http.delete(`/api/redemption/${id}`).set('Authorization', admin)).status).toBe(404);
  });

  it('POST /api/user/topup redeems a code once and logs the topup', async () => {
    const user = await addUser('red_buyer');
    const [key] = (await create({ name: 'gift', quota: 2500, count: 1 })).body.data;
    expect((await t.http.post('/api/user/topup').send({ key })).status).toBe(401);
    const empty = await redeem('', user.token);
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain('key');

    const res = await redeem(key, user.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: '', data: 2500 });
    expect(await quotaOf(user.id)).toBe(2500);
    const row = await codeRow(key);
    expect(row.status).toBe(3);
    expect(Number(row.redeemedTime)).toBeGreaterThan(0);
    expect(row.userId).toBe(adminId);
    const logs = await t.dataSource.getRepository(Log).findBy({ userId: user.id });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ type: LogType.Topup, username: 'red_buyer' });
    expect(Number(logs[0].quota)).toBe(2500);
    expect(logs[0].content).toContain('$0.005000');

    const again = await redeem(key, user.token);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ success: false, message: 'This code is invalid or has already been used' });
    const unknown = await redeem(dashlessUuid(), user.token);
    expect(unknown.status).toBe(400);
    expect(await quotaOf(user.id)).toBe(2500);
  });

  it('is race-free: concurrent redeems of one code succeed exactly once', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await addUser(`race_a${round}`);
      const b = await addUser(`race_b${round}`);
      const [key] = (await create({ name: 'race', quota: 700, count: 1 })).body.data;
      // the same user twice, and a second user, all at once
      const attempts = await Promise.all([
        redeem(key, a.token),
        redeem(key, a.token),
        redeem(key, b.token),
        redeem(key, b.token),
      ]);
      const wins = attempts.filter((r) => r.status === 200);
      expect(wins).toHaveLength(1);
      expect(wins[0].body.data).toBe(700);
      for (const r of attempts.filter((x) => x.status !== 200)) {
        expect(r.status).toBe(400);
        expect(r.body.message).toBe('This code is invalid or has already been used');
      }
      expect((await quotaOf(a.id)) + (await quotaOf(b.id))).toBe(700);
      expect(await t.dataSource.getRepository(Log).countBy({ userId: a.id })).toBe(
        (await quotaOf(a.id)) > 0 ? 1 : 0,
      );
      expect(await t.dataSource.getRepository(Log).countBy({ userId: b.id })).toBe(
        (await quotaOf(b.id)) > 0 ? 1 : 0,
      );
    }
  });

  it('20 concurrent redeems of 20 different codes all succeed and add up', async () => {
    const user = await addUser('race_many');
    const keys: string[] = (await create({ name: 'many', quota: 123, count: 20 })).body.data;
    const results = await Promise.all(keys.map((key) => redeem(key, user.token)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await quotaOf(user.id)).toBe(20 * 123);
    expect(await t.dataSource.getRepository(Log).countBy({ userId: user.id, type: LogType.Topup })).toBe(20);
    for (const key of keys) expect((await codeRow(key)).status).toBe(3);
  });
});
