import request from 'supertest';
import { BUILT_IN_MODELS } from '@one-api/contracts';
import { hashPassword } from '@one-api/server-common';
import { Ability, Channel, User } from '@one-api/server-db';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';

type Agent = ReturnType<typeof request.agent>;

const CHANNEL_FIELDS = [
  'balance',
  'balance_updated_time',
  'base_url',
  'config',
  'created_time',
  'group',
  'id',
  'model_configs',
  'model_mapping',
  'models',
  'name',
  'other',
  'priority',
  'response_time',
  'status',
  'system_prompt',
  'test_time',
  'type',
  'used_quota',
  'weight',
];

/** Secrets used as upstream keys: none of them may ever appear in a response. */
const SECRETS: string[] = [];
const secret = (label: string) => {
  const value = `upstream-secret-${label}-${Math.random().toString(36).slice(2)}`;
  SECRETS.push(value);
  return value;
};

function expectNoKey(body: unknown) {
  const text = JSON.stringify(body);
  for (const s of SECRETS) expect(text).not.toContain(s);
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      expect(Object.keys(v)).not.toContain('key');
      Object.values(v).forEach(visit);
    }
  };
  visit(body);
}

describeEachEngine('channels API', (engine) => {
  let t: TestApp;
  let admin: Agent;

  const channelRow = (id: number) => t.dataSource.getRepository(Channel).findOneBy({ id });
  async function abilitiesOf(channelId: number) {
    const rows = await t.dataSource.getRepository(Ability).find({ where: { channelId } });
    return rows
      .map((r) => ({
        group: r.group,
        model: r.model,
        channelId: Number(r.channelId),
        enabled: Boolean(r.enabled),
        priority: Number(r.priority),
      }))
      .sort((a, b) => `${a.group}|${a.model}`.localeCompare(`${b.group}|${b.model}`));
  }
  const product = (
    channelId: number,
    groups: string[],
    models: string[],
    enabled: boolean,
    priority: number,
  ) =>
    groups
      .flatMap((group) => models.map((model) => ({ group, model, channelId, enabled, priority })))
      .sort((a, b) => `${a.group}|${a.model}`.localeCompare(`${b.group}|${b.model}`));

  async function create(body: Record<string, unknown>): Promise<number[]> {
    const res = await admin.post('/api/channel/').send({ key: secret('c'), ...body });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expectNoKey(res.body);
    return res.body.data as number[];
  }

  beforeAll(async () => {
    t = await startTestApp({ engine });
    admin = await t.login('root', '123456');
  });
  afterAll(async () => t?.close());

  it('is for admins only', async () => {
    expect((await t.http.get('/api/channel/')).status).toBe(401);
    const users = t.dataSource.getRepository(User);
    await users.save(
      users.create({
        username: 'plain',
        password: await hashPassword('password123'),
        role: 1,
        status: 1,
        group: 'default',
        affCode: 'plain',
      }),
    );
    const plain = await t.login('plain', 'password123');
    for (const res of [
      await plain.get('/api/channel/'),
      await plain.post('/api/channel/').send({ type: 1, name: 'x', models: 'a', key: 'k' }),
      await plain.get('/api/channel/models'),
      await plain.get('/api/models'),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.success).toBe(false);
    }
  });

  it('creates one channel per non-empty key line, with identical names, and answers their ids', async () => {
    const [k1, k2, k3] = [secret('m1'), secret('m2'), secret('m3')];
    const ids = await create({
      type: 1,
      name: 'multi',
      key: `${k1}\n\n  ${k2}  \r\n${k3}\n`,
      models: 'gpt-4o,gpt-4o-mini',
      group: 'default,vip',
      base_url: 'https://example.test/',
    });
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    const rows = await Promise.all(ids.map(channelRow));
    expect(rows.map((r) => r?.key)).toEqual([k1, k2, k3]);
    for (const row of rows) {
      expect(row).toMatchObject({
        name: 'multi',
        type: 1,
        status: 1,
        models: 'gpt-4o,gpt-4o-mini',
        group: 'default,vip',
        baseUrl: 'https://example.test',
      });
    }
    for (const id of ids) {
      expect(await abilitiesOf(id)).toEqual(
        product(id, ['default', 'vip'], ['gpt-4o', 'gpt-4o-mini'], true, 0),
      );
    }
  });

  it('creates a single key-less channel when no key is given, with defaults', async () => {
    const res = await admin.post('/api/channel/').send({ type: 30, name: 'local', models: 'llama3.2' });
    expect(res.status).toBe(200);
    const [id] = res.body.data as number[];
    expect(res.body.data).toHaveLength(1);
    const row = await channelRow(id);
    expect(row).toMatchObject({ key: '', group: 'default', modelMapping: '', config: '', status: 1 });
    expect(Number(row?.priority)).toBe(0);
    expect(Number(row?.weight)).toBe(0);
  });

  it('trims and de-duplicates models and groups into the abilities', async () => {
    const [id] = await create({
      type: 14,
      name: 'dedupe',
      models: ' claude-haiku-4-5 ,claude-haiku-4-5,, claude-sonnet-4-5 ',
      group: ' vip, default ,vip ',
      priority: 7,
      status: 2,
    });
    const row = await channelRow(id);
    expect(row).toMatchObject({
      models: 'claude-haiku-4-5,claude-sonnet-4-5',
      group: 'vip,default',
      status: 2,
    });
    expect(await abilitiesOf(id)).toEqual(
      product(id, ['vip', 'default'], ['claude-haiku-4-5', 'claude-sonnet-4-5'], false, 7),
    );
  });

  it('validates the body', async () => {
    const base = { type: 1, name: 'v', models: 'gpt-4o', key: 'k' };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...base, type: 999 }, /type/],
      [{ ...base, type: 0 }, /type/],
      [{ ...base, type: '1' }, /type/],
      [{ ...base, name: '  ' }, /name/],
      [{ ...base, name: undefined }, /name/],
      [{ ...base, models: undefined }, /models/],
      [{ ...base, model_mapping: 'not json' }, /model_mapping/],
      [{ ...base, model_mapping: '["a"]' }, /model_mapping/],
      [{ ...base, model_mapping: '{"gpt-4o":1}' }, /model_mapping/],
      [{ ...base, model_mapping: { a: 'b' } }, /model_mapping/],
      [{ ...base, config: '[1,2]' }, /config/],
      [{ ...base, config: 'nope' }, /config/],
      [{ ...base, group: 'g'.repeat(40) }, /group/],
      [{ ...base, priority: 'high' }, /priority/],
      [{ ...base, weight: -1 }, /weight/],
      [{ ...base, status: 7 }, /status/],
    ];
    const before = await t.dataSource.getRepository(Channel).count();
    for (const [body, message] of cases) {
      const res = await admin.post('/api/channel/').send(body);
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.message).toMatch(message);
    }
    expect(await t.dataSource.getRepository(Channel).count()).toBe(before);
  });

  it('accepts "" or a string→string JSON object as model_mapping, and config as object or string', async () => {
    const [a] = await create({ type: 1, name: 'map-a', models: 'gpt-4o', model_mapping: '' });
    const [b] = await create({
      type: 1,
      name: 'map-b',
      models: 'gpt-4o',
      model_mapping: '{"gpt-4o":"gpt-4o-2024-11-20"}',
      config: { region: 'us-east-1', api_version: '2024-10-21' },
    });
    const [c] = await create({
      type: 3,
      name: 'map-c',
      models: 'gpt-4o',
      config: '{"api_version":"2024-10-21"}',
    });
    expect((await channelRow(a))?.modelMapping).toBe('');
    const rowB = await channelRow(b);
    expect(rowB?.modelMapping).toBe('{"gpt-4o":"gpt-4o-2024-11-20"}');
    expect(JSON.parse(rowB!.config!)).toEqual({ region: 'us-east-1', api_version: '2024-10-21' });
    expect((await channelRow(c))?.config).toBe('{"api_version":"2024-10-21"}');
  });

  it('never returns the key: list, search, get, update, status change', async () => {
    const name = `keyless-${Date.now()}`;
    const [id] = await create({ type: 1, name, models: 'gpt-4o' });
    const responses = [
      await admin.get('/api/channel/?p=0&size=100'),
      await admin.get('/api/channel/search').query({ keyword: name }),
      await admin.get(`/api/channel/search?keyword=${id}`),
      await admin.get(`/api/channel/${id}`),
      await admin.put('/api/channel/').send({ id, name: `${name}-2` }),
      await admin.put('/api/channel/?status_only=1').send({ id, status: 1 }),
    ];
    for (const res of responses) {
      expect(res.status).toBe(200);
      expectNoKey(res.body);
    }
    const one = responses[3].body.data;
    expect(Object.keys(one).sort()).toEqual(CHANNEL_FIELDS);
    expect(one).toMatchObject({ id, type: 1, name, models: 'gpt-4o', group: 'default', status: 1 });
  });

  it('lists newest first with total and pages; searches by id or name prefix', async () => {
    const all = await admin.get('/api/channel/?size=100');
    const count = await t.dataSource.getRepository(Channel).count();
    expect(all.body.total).toBe(count);
    const ids = (all.body.data as any[]).map((c) => c.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const second = await admin.get('/api/channel/?p=1&size=2');
    expect((second.body.data as any[]).map((c) => c.id)).toEqual(ids.slice(2, 4));

    const [x] = await create({ type: 1, name: 'Findme-alpha', models: 'a' });
    const [y] = await create({ type: 1, name: 'findme-beta', models: 'a' });
    await create({ type: 1, name: 'not-findme', models: 'a' });
    const byName = await admin.get('/api/channel/search?keyword=findme');
    expect((byName.body.data as any[]).map((c) => c.id)).toEqual([y, x]);
    expect(byName.body.total).toBe(2);
    const byId = await admin.get(`/api/channel/search?keyword=${x}`);
    expect((byId.body.data as any[]).map((c) => c.id)).toContain(x);
    expect((byId.body.data as any[]).every((c) => c.id === x || String(c.name).startsWith(String(x)))).toBe(
      true,
    );
    expect((await admin.get('/api/channel/99999999')).status).toBe(404);
    expect((await admin.get('/api/channel/abc')).status).toBe(400);
  });

  it('a full update rebuilds the abilities; an empty or missing key keeps the stored key', async () => {
    const original = secret('orig');
    const [id] = await create({
      type: 1,
      name: 'upd',
      key: original,
      models: 'a,b',
      group: 'default',
      priority: 1,
    });
    expect(await abilitiesOf(id)).toEqual(product(id, ['default'], ['a', 'b'], true, 1));

    const res = await admin.put('/api/channel/').send({
      id,
      key: '',
      name: 'upd-2',
      models: 'b, c ,d,c',
      group: 'vip,svip',
      priority: 10,
      weight: 3,
      model_mapping: '{"c":"c-upstream"}',
      config: { region: 'eu' },
      system_prompt: 'be brief',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id,
      name: 'upd-2',
      models: 'b,c,d',
      group: 'vip,svip',
      priority: 10,
      weight: 3,
      model_mapping: '{"c":"c-upstream"}',
      config: '{"region":"eu"}',
      system_prompt: 'be brief',
    });
    expect((await channelRow(id))?.key).toBe(original);
    expect(await abilitiesOf(id)).toEqual(product(id, ['vip', 'svip'], ['b', 'c', 'd'], true, 10));

    // missing key and fields: kept
    await admin.put('/api/channel/').send({ id, priority: 2 });
    const kept = await channelRow(id);
    expect(kept).toMatchObject({ key: original, name: 'upd-2', models: 'b,c,d', group: 'vip,svip' });
    expect(await abilitiesOf(id)).toEqual(product(id, ['vip', 'svip'], ['b', 'c', 'd'], true, 2));

    // a new key replaces it; a status in a full update also reaches the abilities
    const replacement = secret('new');
    const upd = await admin.put('/api/channel/').send({ id, key: replacement, status: 2, models: 'z' });
    expectNoKey(upd.body);
    expect((await channelRow(id))?.key).toBe(replacement);
    expect(await abilitiesOf(id)).toEqual(product(id, ['vip', 'svip'], ['z'], false, 2));

    const bad = await admin.put('/api/channel/').send({ id, model_mapping: '{"x":[1]}' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/model_mapping/);
    expect((await admin.put('/api/channel/').send({ id: 99999999, name: 'ghost' })).status).toBe(404);
    expect((await admin.put('/api/channel/').send({ name: 'no id' })).status).toBe(400);
  });

  it('status_only changes the status and only the enabled flag of the abilities', async () => {
    const [id] = await create({
      type: 1,
      name: 'toggle',
      models: 'm1,m2',
      group: 'default,vip',
      priority: 4,
    });
    const off = await admin.put('/api/channel/?status_only=1').send({ id, status: 2, name: 'ignored' });
    expect(off.status).toBe(200);
    expect(off.body.data).toMatchObject({ id, status: 2, name: 'toggle' });
    expect(await abilitiesOf(id)).toEqual(product(id, ['default', 'vip'], ['m1', 'm2'], false, 4));
    const same = await admin.put('/api/channel/?status_only=1').send({ id, status: 2 });
    expect(same.status).toBe(200);
    const on = await admin.put('/api/channel/?status_only=1').send({ id, status: 1 });
    expect(on.body.data.status).toBe(1);
    expect(await abilitiesOf(id)).toEqual(product(id, ['default', 'vip'], ['m1', 'm2'], true, 4));
    expect((await admin.put('/api/channel/?status_only=1').send({ id })).status).toBe(400);
    expect((await admin.put('/api/channel/?status_only=1').send({ id, status: 0 })).status).toBe(400);
    expect((await admin.put('/api/channel/?status_only=1').send({ id: 99999999, status: 1 })).status).toBe(
      404,
    );
  });

  it('deletes a channel with its abilities', async () => {
    const [id] = await create({ type: 1, name: 'bye', models: 'q,r', group: 'default' });
    expect(await abilitiesOf(id)).toHaveLength(2);
    const res = await admin.delete(`/api/channel/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: '' });
    expect(await channelRow(id)).toBeNull();
    expect(await abilitiesOf(id)).toEqual([]);
    expect((await admin.delete(`/api/channel/${id}`)).status).toBe(404);
  });

  it('deletes every disabled channel (status 2 or 3) and answers how many', async () => {
    const [enabled] = await create({ type: 1, name: 'keep', models: 'k' });
    const [manual] = await create({ type: 1, name: 'manual-off', models: 'k', status: 2 });
    const [auto] = await create({ type: 1, name: 'auto-off', models: 'k', status: 3 });
    const disabledBefore = await t.dataSource
      .getRepository(Channel)
      .count({ where: [{ status: 2 }, { status: 3 }] });
    expect(disabledBefore).toBeGreaterThanOrEqual(2);
    const res = await admin.delete('/api/channel/disabled');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: '', data: disabledBefore });
    expect(await channelRow(manual)).toBeNull();
    expect(await channelRow(auto)).toBeNull();
    expect(await abilitiesOf(manual)).toEqual([]);
    expect(await abilitiesOf(auto)).toEqual([]);
    expect(await channelRow(enabled)).not.toBeNull();
    expect(await abilitiesOf(enabled)).toHaveLength(1);
    expect(await t.dataSource.getRepository(Channel).count({ where: [{ status: 2 }, { status: 3 }] })).toBe(
      0,
    );
    const again = await admin.delete('/api/channel/disabled');
    expect(again.body.data).toBe(0);
  });

  it('every ability belongs to an existing channel and matches its group × model', async () => {
    const channels = await t.dataSource.getRepository(Channel).find();
    const abilities = await t.dataSource.getRepository(Ability).find();
    const ids = new Set(channels.map((c) => Number(c.id)));
    expect(abilities.every((a) => ids.has(Number(a.channelId)))).toBe(true);
    const expected = channels.reduce((n, c) => {
      const models = new Set((c.models ?? '').split(',').filter(Boolean)).size;
      const groups = new Set((c.group ?? '').split(',').filter(Boolean)).size;
      return n + models * groups;
    }, 0);
    expect(abilities).toHaveLength(expected);
  });

  it('GET /api/channel/models lists the catalogue as OpenAI model objects, without envelope', async () => {
    const res = await admin.get('/api/channel/models');
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('list');
    expect(res.body.success).toBeUndefined();
    const models = res.body.data as any[];
    const gpt = models.find((m) => m.id === 'gpt-4o');
    expect(gpt).toEqual({
      id: 'gpt-4o',
      object: 'model',
      created: 1626777600,
      owned_by: 'openai',
      permission: [],
      root: 'gpt-4o',
      parent: null,
    });
    expect(models.find((m) => m.id === 'claude-sonnet-4-5-20250929')?.owned_by).toBe('anthropic');
    expect(new Set(models.map((m) => m.id)).size).toBe(models.length);
  });

  it('GET /api/models maps every catalogue channel type to its model ids', async () => {
    const res = await admin.get('/api/models');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(Object.keys(res.body.data).sort()).toEqual(Object.keys(BUILT_IN_MODELS).sort());
    expect(res.body.data['1']).toContain('gpt-4o');
    expect(res.body.data['14']).toEqual(BUILT_IN_MODELS[14]);
  });
});
