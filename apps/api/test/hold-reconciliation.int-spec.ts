import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { HoldReconciler, SettlementWriter } from '@one-api/server-billing';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

const now = () => Math.floor(Date.now() / 1000);

/**
 * Recorded quota holds on every engine: a relayed request leaves none behind; a hold of a process that died is given
 * back by the reconciler exactly once; a settlement that arrives after its hold was given back charges the full price.
 */
describeEachEngine('quota holds and their reconciliation', (engine) => {
  let t: TestApp;
  let fake: FakeProvider;
  let token: { id: number; key: string };
  let userId: number;

  // A boolean literal every engine takes (PostgreSQL's column is boolean, the others' integers).
  const no = () => (engine === 'postgres' ? 'false' : '0');
  const balances = async () => {
    const [k] = await t.dataSource.query(
      `SELECT remain_quota, used_quota FROM tokens WHERE id = ${token.id}`,
    );
    const [u] = await t.dataSource.query(`SELECT quota, used_quota FROM users WHERE id = ${userId}`);
    return {
      key: Number(k.remain_quota),
      keyUsed: Number(k.used_quota),
      user: Number(u.quota),
      userUsed: Number(u.used_quota),
    };
  };

  beforeAll(async () => {
    fake = await startFakeOpenAI({ record: false } as never);
    t = await startTestApp({ engine, env: { QUOTA_RECONCILE_INTERVAL: '2' } });
    const root = await t.login('root', '123456');
    await createChannel(root, { name: 'c', base_url: fake.url, models: 'gpt-4o-mini' });
    await root.post('/api/user/').send({ username: 'holder', password: 'password-123', quota: 1_000_000 });
    const user = await t.login('holder', 'password-123');
    token = await createKey(user, { name: 'k', remain_quota: 500_000 });
    userId = Number((await t.dataSource.query(`SELECT id FROM users WHERE username = 'holder'`))[0].id);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('a relayed request takes, records, settles and releases its hold', async () => {
    const before = await balances();
    const res = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${token.key}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.status).toBe(200);
    await settled(t);
    expect(await t.dataSource.query('SELECT id FROM quota_holds')).toEqual([]);
    const after = await balances();
    expect(after.keyUsed).toBeGreaterThan(0);
    expect(after.key + after.keyUsed).toBe(before.key + before.keyUsed);
    expect(after.user + after.userUsed).toBe(before.user + before.userUsed);
  });

  it("gives back a dead process's hold exactly once, and a late settlement of it charges the full price", async () => {
    const before = await balances();
    // What a gateway that was SIGKILLed mid-request leaves: the quota taken and the record of it.
    await t.dataSource.query(`UPDATE tokens SET remain_quota = remain_quota - 700 WHERE id = ${token.id}`);
    await t.dataSource.query(`UPDATE users SET quota = quota - 700 WHERE id = ${userId}`);
    await t.dataSource.query(
      `INSERT INTO quota_holds (request_id, owner, token_id, user_id, unlimited_token, amount, created_at, refunded)
       VALUES ('req-of-the-dead', 'dead-gateway', ${token.id}, ${userId}, ${no()}, 700, ${now() - 120}, 0)`,
    );
    const reconciler = t.app.get(HoldReconciler);
    expect(await reconciler.sweep()).toBe(1);
    expect(await reconciler.sweep()).toBe(0); // never twice
    expect(await balances()).toEqual(before);

    // The "dead" process was only slow: its settlement (cost 300 of the 700 held) arrives after the refund.
    t.app.get(SettlementWriter).enqueue({
      requestId: 'req-of-the-dead',
      tokenId: token.id,
      tokenName: 'k',
      unlimitedToken: false,
      userId,
      username: 'holder',
      channelId: null,
      reserved: 700,
      quota: 300,
      modelName: 'gpt-4o-mini',
      originModelName: 'gpt-4o-mini',
      promptTokens: 1,
      completionTokens: 1,
      elapsedMs: 1,
      isStream: false,
      systemPromptReset: false,
      content: 'late',
      holdStore: 'db',
    });
    await settled(t);
    const after = await balances();
    expect(after.key).toBe(before.key - 300);
    expect(after.keyUsed).toBe(before.keyUsed + 300);
    expect(after.user).toBe(before.user - 300);
    expect(
      await t.dataSource.query(`SELECT id FROM quota_holds WHERE request_id = 'req-of-the-dead'`),
    ).toEqual([]);
  });

  it("leaves a live process's holds alone", async () => {
    await t.dataSource.query(
      `INSERT INTO quota_holds (request_id, owner, token_id, user_id, unlimited_token, amount, created_at, refunded)
       VALUES ('req-of-the-living', 'living-gateway', ${token.id}, ${userId}, ${no()}, 5, ${now() - 120}, 0)`,
    );
    await t.dataSource.query(
      `INSERT INTO gateway_instances (id, heartbeat_at, started_at) VALUES ('living-gateway', ${now()}, ${now() - 600})`,
    );
    expect(await t.app.get(HoldReconciler).sweep()).toBe(0);
    await t.dataSource.query(`DELETE FROM quota_holds WHERE request_id = 'req-of-the-living'`);
  });
});
