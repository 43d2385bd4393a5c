import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import bcrypt from 'bcryptjs';
import {
  CHANNELS_MODEL_CONFIGS_EXTENSION,
  LOGS_EXTENSION,
  LOGS_TRACE_EXTENSION,
  LOGS_USAGE_EXTENSION,
  ONE_API_TABLES,
  USERS_TOTP_EXTENSION,
} from '@one-api/server-db';

/** Columns this gateway adds to One API's logs table, in migration order. */
const LOG_COLUMNS_ADDED = [
  ...LOGS_EXTENSION.columns,
  ...LOGS_TRACE_EXTENSION.columns,
  ...LOGS_USAGE_EXTENSION.columns,
];
/** Columns added to One API's channels table (the fork's per-channel prices). */
const CHANNEL_COLUMNS_ADDED = CHANNELS_MODEL_CONFIGS_EXTENSION.columns;
import { FakeProvider, predictChatUsage, startFakeOpenAI } from '@one-api/llm-testing';
import {
  computeQuota,
  defaultCompletionRatios,
  defaultModelRatios,
  resolveModelPrice,
  SettlementWriter,
} from '@one-api/server-billing';
import { TestDatabase } from './databases';
import { startTestApp, TestApp } from './harness';

const UPSTREAM_SCHEMA = readFileSync(join(__dirname, 'fixtures/oneapi-upstream-schema.sqlite.sql'), 'utf8');
const goBcrypt = (password: string) =>
  bcrypt.hashSync(password, bcrypt.genSaltSync(10).replace('$2b$', '$2a$'));

const ROOT_KEY = 'AbCdEfGh12345678A1b2C3d4E5f6A7b8C9d0E1f2A3b4C5d6';
const ALICE_KEY = 'ZyXwVuTs98765432F1e2D3c4B5a6F7e8D9c0B1a2F3e4D5c6';

/** Writes rows the way One API (gorm + go-sqlite3) writes them: bare keys, 0/1 booleans, -1 expiry, JSON strings. */
function writeLegacyRows(db: Database.Database, upstreamUrl: string): void {
  const now = 1732000000;
  db.prepare(
    `INSERT INTO users (id, username, password, display_name, role, status, email, github_id, wechat_id, lark_id, oidc_id,
       access_token, quota, used_quota, request_count, "group", aff_code, inviter_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '', '', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    1,
    'root',
    goBcrypt('123456'),
    'Root User',
    100,
    1,
    '',
    'c0ffee00c0ffee00c0ffee00c0ffee00',
    500000000000000,
    1234,
    7,
    'default',
    '',
    0,
  );
  db.prepare(
    `INSERT INTO users (id, username, password, display_name, role, status, email, github_id, wechat_id, lark_id, oidc_id,
       access_token, quota, used_quota, request_count, "group", aff_code, inviter_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '', '', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    2,
    'alice',
    goBcrypt('alice-pass-1'),
    'Alice',
    1,
    1,
    'alice@example.com',
    'a11ce000a11ce000a11ce000a11ce000',
    900000,
    100000,
    3,
    'vip',
    'Qx7z',
    0,
  );

  const token = db.prepare(
    `INSERT INTO tokens (id, user_id, key, status, name, created_time, accessed_time, expired_time, remain_quota, unlimited_quota, used_quota, models, subnet)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  token.run(1, 1, ROOT_KEY, 1, 'root key', now, now, -1, 0, 1, 0, null, '');
  token.run(
    2,
    2,
    ALICE_KEY,
    1,
    'alice key',
    now,
    now + 60,
    -1,
    500000,
    0,
    100000,
    'gpt-4o-mini,gpt-4o-mini-alias',
    '',
  );

  db.prepare(
    `INSERT INTO channels (id, type, key, status, name, weight, created_time, test_time, response_time, base_url, other, balance,
       balance_updated_time, models, "group", used_quota, model_mapping, priority, config, system_prompt)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    1,
    1,
    'sk-upstream-secret-key',
    1,
    'legacy openai',
    0,
    now,
    upstreamUrl,
    null,
    0,
    'gpt-4o-mini,gpt-4o,gpt-4o-mini-alias',
    'default,vip',
    100000,
    '{"gpt-4o-mini-alias":"gpt-4o-mini"}',
    0,
    '{"region":"","sk":"","ak":"","user_id":""}',
    null,
  );
  const ability = db.prepare(
    `INSERT INTO abilities ("group", model, channel_id, enabled, priority) VALUES (?, ?, ?, ?, ?)`,
  );
  for (const group of ['default', 'vip']) {
    for (const model of ['gpt-4o-mini', 'gpt-4o', 'gpt-4o-mini-alias']) ability.run(group, model, 1, 1, 0);
  }

  const log = db.prepare(
    `INSERT INTO logs (id, user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens, completion_tokens,
       channel_id, request_id, elapsed_time, is_stream, system_prompt_reset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  log.run(
    1,
    2,
    now,
    2,
    '倍率：0.07 × 1.00 × 4.00',
    'alice',
    'alice key',
    'gpt-4o-mini',
    225,
    1000,
    500,
    1,
    '2024111912000012345678',
    812,
    1,
    0,
  );
  log.run(2, 1, now + 1, 1, '通过兑换码充值 ＄1.000000 额度', 'root', '', '', 500000, 0, 0, 0, '', 0, 0, 0);

  db.prepare(`INSERT INTO options (key, value) VALUES (?, ?)`).run('SystemName', 'Legacy One API');
  db.prepare(`INSERT INTO options (key, value) VALUES (?, ?)`).run('GroupRatio', '{"default":1,"vip":0.8}');
  db.prepare(
    `INSERT INTO redemptions (id, user_id, key, status, name, quota, created_time, redeemed_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(1, 1, '0123456789abcdef0123456789abcdef', 1, 'gift', 100, now, 0);
}

type ColumnInfo = { name: string; type: string; notnull: number; dflt_value: string | null; pk: number };
function columnsOf(file: string): Record<string, ColumnInfo[]> {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      ONE_API_TABLES.map((t) => [
        t.name,
        (db.prepare(`PRAGMA table_info(\`${t.name}\`)`).all() as ColumnInfo[]).map(
          ({ name, type, notnull, dflt_value, pk }) => ({
            name,
            type,
            notnull,
            dflt_value,
            pk,
          }),
        ),
      ]),
    );
  } finally {
    db.close();
  }
}
function indexesOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`).all() as Array<{
        name: string;
      }>
    ).map((r) => r.name);
  } finally {
    db.close();
  }
}

describe('an existing One API SQLite database', () => {
  let dir: string;
  let file: string;
  let before: Record<string, ColumnInfo[]>;
  let indexesBefore: string[];
  let t: TestApp;
  let fake: FakeProvider;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    dir = mkdtempSync(join(tmpdir(), 'oneapi-legacy-'));
    file = join(dir, 'one-api.db');
    const db = new Database(file);
    db.exec(UPSTREAM_SCHEMA);
    writeLegacyRows(db, fake.url);
    db.close();
    before = columnsOf(file);
    indexesBefore = indexesOf(file);
    const database: TestDatabase = {
      engine: 'sqlite',
      sqlDsn: '',
      sqlitePath: file,
      drop: async () => undefined,
    };
    t = await startTestApp({ database });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its users: no new root is seeded and the old password still signs in', async () => {
    const users = await t.dataSource.query('SELECT id, username FROM users ORDER BY id');
    expect(users).toEqual([
      { id: 1, username: 'root' },
      { id: 2, username: 'alice' },
    ]);
    const agent = await t.login('root', '123456');
    const self = await agent.get('/api/user/self').expect(200);
    expect(self.body.data).toMatchObject({
      id: 1,
      username: 'root',
      role: 100,
      quota: 500000000000000,
      used_quota: 1234,
    });
    await t.login('alice', 'alice-pass-1');
  });

  it('accepts the existing management access token', async () => {
    const res = await t.http
      .get('/api/user/self')
      .set('Authorization', 'c0ffee00c0ffee00c0ffee00c0ffee00')
      .expect(200);
    expect(res.body.data.username).toBe('root');
  });

  it('reads the existing tokens with their bare keys shown as sk- keys', async () => {
    const alice = await t.login('alice', 'alice-pass-1');
    const res = await alice.get('/api/token/').expect(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      id: 2,
      key: `sk-${ALICE_KEY}`,
      name: 'alice key',
      expired_time: -1,
      remain_quota: 500000,
      unlimited_quota: false,
      used_quota: 100000,
      models: 'gpt-4o-mini,gpt-4o-mini-alias',
    });
    const root = await t.login('root', '123456');
    const rootTokens = await root.get('/api/token/').expect(200);
    expect(rootTokens.body.data[0]).toMatchObject({ id: 1, unlimited_quota: true, key: `sk-${ROOT_KEY}` });
  });

  it('reads the existing channels (without their keys), logs and options', async () => {
    const root = await t.login('root', '123456');
    const channels = await root.get('/api/channel/').expect(200);
    expect(channels.body.data).toHaveLength(1);
    expect(channels.body.data[0]).toMatchObject({
      id: 1,
      type: 1,
      name: 'legacy openai',
      models: 'gpt-4o-mini,gpt-4o,gpt-4o-mini-alias',
      group: 'default,vip',
      model_mapping: '{"gpt-4o-mini-alias":"gpt-4o-mini"}',
      used_quota: 100000,
    });
    expect(JSON.stringify(channels.body)).not.toContain('sk-upstream-secret-key');

    const logs = await root.get('/api/log/').expect(200);
    expect(logs.body.total).toBe(2);
    const consume = logs.body.data.find((l: { type: number }) => l.type === 2);
    expect(consume).toMatchObject({
      user_id: 2,
      model_name: 'gpt-4o-mini',
      quota: 225,
      prompt_tokens: 1000,
      completion_tokens: 500,
      channel: 1,
      is_stream: true,
      system_prompt_reset: false,
      content: '倍率：0.07 × 1.00 × 4.00',
    });

    const status = await t.http.get('/api/status').expect(200);
    expect(status.body.data.system_name).toBe('Legacy One API');
    const groups = await root.get('/api/group/').expect(200);
    expect([...groups.body.data].sort()).toEqual(['default', 'vip']);
  });

  it('relays with an existing key through the channel model mapping, billed at the group ratio', async () => {
    const res = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer sk-${ALICE_KEY}`)
      .send({
        model: 'gpt-4o-mini-alias',
        messages: [{ role: 'user', content: 'hello from a One API key' }],
      });
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toContain('hello from a One API key');
    const sent = fake.requests.at(-1)!;
    expect((sent.body as { model: string }).model).toBe('gpt-4o-mini');
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-secret-key');
    await t.app.get(SettlementWriter).flush();
    const usage = predictChatUsage(sent.body as never);
    const price = resolveModelPrice(
      { modelRatio: defaultModelRatios(), completionRatio: defaultCompletionRatios(), groupRatio: {} },
      'gpt-4o-mini',
    );
    const expected = computeQuota(
      { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens },
      price,
      0.8,
    );
    const [log] = await t.dataSource.query(`SELECT * FROM logs WHERE type = 2 AND request_id = ?`, [
      res.headers['x-oneapi-request-id'],
    ]);
    expect(log).toMatchObject({
      user_id: 2,
      token_id: 2,
      model_name: 'gpt-4o-mini',
      origin_model_name: 'gpt-4o-mini-alias',
      quota: expected,
    });
    const [token] = await t.dataSource.query('SELECT remain_quota, used_quota FROM tokens WHERE id = 2');
    expect(token).toEqual({ remain_quota: 500000 - expected, used_quota: 100000 + expected });
  });

  it('leaves every original column with its original type, default and key, and every index in place', async () => {
    await t.close();
    const after = columnsOf(file);
    for (const table of ONE_API_TABLES) {
      // Original columns keep position, type, default and key; additions may only follow them.
      expect(after[table.name].slice(0, before[table.name].length)).toEqual(before[table.name]);
    }
    expect(after.logs.slice(before.logs.length).map((c) => c.name)).toEqual(
      LOG_COLUMNS_ADDED.map((c) => c.name),
    );
    expect(after.users.slice(before.users.length).map((c) => c.name)).toEqual(
      USERS_TOTP_EXTENSION.columns.map((c) => c.name),
    );
    expect(after.channels.slice(before.channels.length).map((c) => c.name)).toEqual(
      CHANNEL_COLUMNS_ADDED.map((c) => c.name),
    );
    const indexesAfter = indexesOf(file);
    for (const name of indexesBefore) expect(indexesAfter).toContain(name);
    t = await startTestApp({
      database: { engine: 'sqlite', sqlDsn: '', sqlitePath: file, drop: async () => undefined },
    });
  });
});

describe('a fresh SQLite database', () => {
  it('has exactly the columns, types and defaults of the One API schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oneapi-fresh-'));
    try {
      const upstream = join(dir, 'upstream.db');
      const db = new Database(upstream);
      db.exec(UPSTREAM_SCHEMA);
      db.close();
      const ours = join(dir, 'ours.db');
      const t = await startTestApp({
        database: { engine: 'sqlite', sqlDsn: '', sqlitePath: ours, drop: async () => undefined },
      });
      await t.close();
      const mine = columnsOf(ours);
      const theirs = columnsOf(upstream);
      for (const table of ONE_API_TABLES) {
        expect(mine[table.name].slice(0, theirs[table.name].length)).toEqual(theirs[table.name]);
      }
      expect(mine.logs.length - theirs.logs.length).toBe(LOG_COLUMNS_ADDED.length);
      expect(mine.users.length - theirs.users.length).toBe(USERS_TOTP_EXTENSION.columns.length);
      expect(mine.channels.length - theirs.channels.length).toBe(CHANNEL_COLUMNS_ADDED.length);
      const extended = new Set(['logs', 'users', 'channels']);
      for (const table of ONE_API_TABLES.filter((t) => !extended.has(t.name))) {
        expect(mine[table.name]).toHaveLength(theirs[table.name].length);
      }
      const ourIndexes = indexesOf(ours);
      for (const name of indexesOf(upstream)) expect(ourIndexes).toContain(name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
