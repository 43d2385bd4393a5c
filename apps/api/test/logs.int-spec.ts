import { LogType } from '@one-api/contracts';
import { dashlessUuid } from '@one-api/server-common';
import { Log, User } from '@one-api/server-db';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';

const LOG_KEYS = [
  'channel',
  'completion_tokens',
  'content',
  'created_at',
  'elapsed_time',
  'id',
  'is_stream',
  'model_name',
  'prompt_tokens',
  'quota',
  'request_id',
  'system_prompt_reset',
  'token_name',
  'type',
  'user_id',
  'username',
];

const T0 = 1_700_000_000;

interface Seed {
  user: 'alice' | 'bob';
  type: number;
  model: string;
  token: string;
  channel: number;
  quota: number;
  content: string;
}

// created_at = T0 + 100 * (index + 1), ids ascend in this order
const SEED: Seed[] = [
  {
    user: 'alice',
    type: LogType.Consume,
    model: 'gpt-4o',
    token: 'ka',
    channel: 1,
    quota: 100,
    content: 'hello world',
  },
  {
    user: 'bob',
    type: LogType.Consume,
    model: 'gpt-4o',
    token: 'kb',
    channel: 2,
    quota: 200,
    content: 'model call',
  },
  {
    user: 'alice',
    type: LogType.Topup,
    model: '',
    token: '',
    channel: 0,
    quota: 5000,
    content: '100% topup',
  },
  {
    user: 'alice',
    type: LogType.Consume,
    model: 'claude-3',
    token: 'ka',
    channel: 2,
    quota: 300,
    content: 'hello again',
  },
  {
    user: 'bob',
    type: LogType.Consume,
    model: 'claude-3',
    token: 'kb',
    channel: 1,
    quota: 400,
    content: 'model call',
  },
  { user: 'bob', type: LogType.System, model: '', token: '', channel: 0, quota: 0, content: 'say hello' },
  {
    user: 'alice',
    type: LogType.Consume,
    model: 'gpt-4o',
    token: 'ka2',
    channel: 1,
    quota: 500,
    content: '1000 tokens',
  },
  { user: 'bob', type: LogType.Manage, model: '', token: '', channel: 0, quota: 0, content: 'quota changed' },
  {
    user: 'alice',
    type: LogType.Consume,
    model: 'gpt-4o',
    token: 'ka',
    channel: 3,
    quota: 600,
    content: 'model call',
  },
  {
    user: 'bob',
    type: LogType.Consume,
    model: 'gpt-4o',
    token: 'kb',
    channel: 3,
    quota: 700,
    content: 'model call',
  },
  {
    user: 'alice',
    type: LogType.Consume,
    model: 'claude-3',
    token: 'ka',
    channel: 1,
    quota: 800,
    content: 'model call',
  },
  { user: 'bob', type: LogType.Topup, model: '', token: '', channel: 0, quota: 9000, content: 'gift' },
];

const at = (index: number) => T0 + 100 * (index + 1);
const sum = (rows: Seed[]) => rows.reduce((s, r) => s + r.quota, 0);
const consume = (rows: Seed[]) => rows.filter((r) => r.type === LogType.Consume);

describeEachEngine('logs', (engine) => {
  let t: TestApp;
  let admin: string;
  const users: Record<string, { id: number; token: string }> = {};

  async function addUser(username: string, role: number) {
    const token = dashlessUuid();
    const result = await t.dataSource.getRepository(User).insert({
      username,
      password: 'not-a-login',
      displayName: username,
      role,
      status: 1,
      email: '',
      group: 'default',
      accessToken: token,
    });
    return { id: result.identifiers[0].id as number, token };
  }
  const get = (path: string, token = admin) => t.http.get(path).set('Authorization', token);

  beforeAll(async () => {
    t = await startTestApp({ engine });
    admin = (await addUser('log_admin', 10)).token;
    users.alice = await addUser('alice', 1);
    users.bob = await addUser('bob', 1);
    await t.dataSource.getRepository(Log).insert(
      SEED.map((s, i) => ({
        userId: users[s.user].id,
        createdAt: at(i),
        type: s.type,
        content: s.content,
        username: s.user,
        tokenName: s.token,
        modelName: s.model,
        quota: s.quota,
        promptTokens: s.quota / 10,
        completionTokens: s.quota / 100,
        channelId: s.channel,
        requestId: `req-${i}`,
        elapsedTime: 1000 + i,
        isStream: i % 2 === 0,
        systemPromptReset: false,
      })),
    );
  });
  afterAll(async () => t?.close());

  it('admin routes need an admin; /self needs a user', async () => {
    expect((await t.http.get('/api/log/')).status).toBe(401);
    expect((await get('/api/log/', users.alice.token)).status).toBe(403);
    expect((await get('/api/log/stat', users.alice.token)).status).toBe(403);
    expect((await get('/api/log/search?keyword=x', users.alice.token)).status).toBe(403);
    expect(
      (await t.http.delete('/api/log/?target_timestamp=1').set('Authorization', users.alice.token)).status,
    ).toBe(403);
    expect((await t.http.get('/api/log/self')).status).toBe(401);
    expect(await t.dataSource.getRepository(Log).count()).toBe(SEED.length);
  });

  it('lists newest first with p, size and total, in One API field names', async () => {
    const res = await get('/api/log/');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.total).toBe(SEED.length);
    expect(res.body.data).toHaveLength(10);
    const createdAt = res.body.data.map((l: { created_at: number }) => l.created_at);
    expect(createdAt).toEqual(
      SEED.map((_, i) => at(i))
        .reverse()
        .slice(0, 10),
    );
    const newest = res.body.data[0];
    expect(Object.keys(newest).sort()).toEqual(LOG_KEYS);
    expect(newest).toMatchObject({
      user_id: users.bob.id,
      type: LogType.Topup,
      content: 'gift',
      username: 'bob',
      quota: 9000,
      channel: 0,
      request_id: 'req-11',
      elapsed_time: 1011,
      is_stream: false,
      system_prompt_reset: false,
    });
    const second = res.body.data[1];
    expect(second).toMatchObject({
      channel: 1,
      model_name: 'claude-3',
      token_name: 'ka',
      is_stream: true,
      prompt_tokens: 80,
      completion_tokens: 8,
    });

    const p1 = await get('/api/log/?p=1');
    expect(p1.body.data.map((l: { created_at: number }) => l.created_at)).toEqual([at(1), at(0)]);
    expect(p1.body.total).toBe(SEED.length);
    const small = await get('/api/log/?p=2&size=5');
    expect(small.body.data.map((l: { created_at: number }) => l.created_at)).toEqual([at(1), at(0)]);
    const bad = await get('/api/log/?size=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('size');
  });

  it('filters by type, user, token, model, channel and time range', async () => {
    const count = async (query: string) => {
      const res = await get(`/api/log/?size=100&${query}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(res.body.total);
      return res.body.total as number;
    };
    expect(await count(`type=${LogType.Consume}`)).toBe(consume(SEED).length);
    expect(await count(`type=${LogType.Topup}`)).toBe(2);
    expect(await count('type=0')).toBe(SEED.length);
    expect(await count('username=alice')).toBe(SEED.filter((s) => s.user === 'alice').length);
    expect(await count('token_name=ka')).toBe(SEED.filter((s) => s.token === 'ka').length);
    expect(await count('model_name=claude-3')).toBe(SEED.filter((s) => s.model === 'claude-3').length);
    expect(await count('channel=3')).toBe(2);
    expect(await count(`start_timestamp=${at(3)}&end_timestamp=${at(6)}`)).toBe(4);
    expect(await count(`start_timestamp=${at(10)}`)).toBe(2);
    expect(await count(`end_timestamp=${at(0)}`)).toBe(1);
    expect(await count(`username=bob&model_name=gpt-4o&type=${LogType.Consume}`)).toBe(2);
    expect(await count('username=nobody')).toBe(0);
    expect((await get('/api/log/?channel=x')).status).toBe(400);
  });

  it('stat sums the quota of matching consume logs', async () => {
    const stat = async (query = '') => {
      const res = await get(`/api/log/stat?${query}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.data)).toEqual(['quota']);
      return res.body.data.quota as number;
    };
    expect(await stat()).toBe(sum(consume(SEED)));
    expect(await stat('username=alice')).toBe(sum(consume(SEED.filter((s) => s.user === 'alice'))));
    expect(await stat('model_name=gpt-4o')).toBe(100 + 200 + 500 + 600 + 700);
    expect(await stat(`start_timestamp=${at(4)}&end_timestamp=${at(8)}`)).toBe(400 + 500 + 600);
    expect(await stat('channel=1&token_name=ka')).toBe(100 + 800);
    expect(await stat('username=nobody')).toBe(0);
  });

  it('searches by content prefix or numeric type, wildcards taken literally', async () => {
    const contents = async (keyword: string, token = admin, base = '/api/log/search') => {
      const res = await get(`${base}?keyword=${encodeURIComponent(keyword)}`, token);
      expect(res.status).toBe(200);
      return (res.body.data as Array<{ content: string }>).map((l) => l.content);
    };
    expect(await contents('hello')).toEqual(['hello again', 'hello world']);
    expect(await contents('world')).toEqual([]);
    expect(await contents('100%')).toEqual(['100% topup']);
    expect(await contents('%')).toEqual([]);
    expect(await contents('1')).toEqual(['gift', '1000 tokens', '100% topup']);
    expect(await contents('3')).toEqual(['quota changed']);
    expect(await contents('hello', users.alice.token, '/api/log/self/search')).toEqual([
      'hello again',
      'hello world',
    ]);
    expect(await contents('1', users.bob.token, '/api/log/self/search')).toEqual(['gift']);
    expect(await contents('model', users.bob.token, '/api/log/self/search')).toEqual([
      'model call',
      'model call',
      'model call',
    ]);
  });

  it('a user sees only their own logs', async () => {
    const mine = SEED.filter((s) => s.user === 'alice');
    const res = await get('/api/log/self?size=100', users.alice.token);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(mine.length);
    expect(res.body.data.every((l: { user_id: number }) => l.user_id === users.alice.id)).toBe(true);
    // username cannot widen the view
    const sneaky = await get('/api/log/self?size=100&username=bob', users.alice.token);
    expect(sneaky.body.total).toBe(mine.length);
    expect(sneaky.body.data.every((l: { username: string }) => l.username === 'alice')).toBe(true);
    const filtered = await get(`/api/log/self?type=${LogType.Consume}&model_name=gpt-4o`, users.alice.token);
    expect(filtered.body.total).toBe(3);
    const paged = await get('/api/log/self?p=1&size=4', users.alice.token);
    expect(paged.body.data).toHaveLength(mine.length - 4);

    const stat = await get('/api/log/self/stat', users.alice.token);
    expect(stat.body.data.quota).toBe(sum(consume(mine)));
    const bobStat = await get('/api/log/self/stat?username=alice', users.bob.token);
    expect(bobStat.body.data.quota).toBe(sum(consume(SEED.filter((s) => s.user === 'bob'))));
    const adminSelf = await get('/api/log/self');
    expect(adminSelf.body.total).toBe(0);
  });

  it('search returns at most 100 rows', async () => {
    await t.dataSource.getRepository(Log).insert(
      Array.from({ length: 105 }, (_, i) => ({
        userId: users.bob.id,
        createdAt: T0 + 5000 + i,
        type: LogType.System,
        content: `bulk ${i}`,
        username: 'bob',
      })),
    );
    const res = await get('/api/log/search?keyword=bulk');
    expect(res.body.data).toHaveLength(100);
    expect(res.body.data[0].content).toBe('bulk 104');
  });

  it('DELETE /api/log/ removes logs created before the target timestamp', async () => {
    for (const q of ['', '?target_timestamp=0']) {
      const res = await t.http.delete(`/api/log/${q}`).set('Authorization', admin);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message: 'target timestamp is required' });
    }
    expect((await t.http.delete('/api/log/?target_timestamp=soon').set('Authorization', admin)).status).toBe(
      400,
    );
    const before = await t.dataSource.getRepository(Log).count();
    const res = await t.http.delete(`/api/log/?target_timestamp=${at(5)}`).set('Authorization', admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: '', data: 5 });
    expect(await t.dataSource.getRepository(Log).count()).toBe(before - 5);
    const oldest = await get(`/api/log/?end_timestamp=${at(6)}`);
    expect(oldest.body.data.map((l: { created_at: number }) => l.created_at)).toEqual([at(6), at(5)]);
  });
});
