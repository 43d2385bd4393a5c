import { Client } from 'pg';
import { checkMoneyInvariants, InitialQuota } from './invariants';

const pg = process.env.TEST_PG_URL;

/** The money checks must catch every kind of wrong book-keeping, or the chaos run proves nothing. */
(pg ? describe : describe.skip)('checkMoneyInvariants', () => {
  let admin: Client;
  let client: Client;
  const name = `chaos_inv_${Date.now().toString(36)}`;
  const initial: InitialQuota = {
    tokens: [
      { id: 1, remainQuota: 1000, unlimited: false },
      { id: 2, remainQuota: 0, unlimited: true },
    ],
    users: [{ id: 7, quota: 5000 }],
  };
  const query = async (text: string, params?: unknown[]) => (await client.query(text, params)).rows;

  beforeAll(async () => {
    admin = new Client({ connectionString: pg });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(pg!);
    url.pathname = `/${name}`;
    client = new Client({ connectionString: url.toString() });
    await client.connect();
    await client.query(`
      CREATE TABLE tokens (id int PRIMARY KEY, remain_quota bigint, used_quota bigint);
      CREATE TABLE users (id int PRIMARY KEY, quota bigint, used_quota bigint);
      CREATE TABLE logs (id serial PRIMARY KEY, type int, token_id int, user_id int, quota bigint, request_id varchar(64));
      CREATE TABLE user_request_costs (id serial PRIMARY KEY, request_id varchar(64), quota bigint);
      CREATE TABLE quota_holds (id serial PRIMARY KEY, request_id varchar(64), refunded int DEFAULT 0);
    `);
  });
  afterAll(async () => {
    await client?.end();
    await admin?.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin?.end();
  });

  /** Two requests: 30 on the limited key, 20 on the unlimited one, both paid by user 7. */
  async function consistent(): Promise<void> {
    await client.query('TRUNCATE tokens, users, logs, user_request_costs, quota_holds');
    await client.query(`INSERT INTO tokens VALUES (1, 970, 30), (2, 0, 20)`);
    await client.query(`INSERT INTO users VALUES (7, 4950, 50)`);
    await client.query(
      `INSERT INTO logs (type, token_id, user_id, quota, request_id) VALUES (2, 1, 7, 30, 'r1'), (2, 2, 7, 20, 'r2')`,
    );
    await client.query(`INSERT INTO user_request_costs (request_id, quota) VALUES ('r1', 30), ('r2', 20)`);
  }

  it('passes consistent books', async () => {
    await consistent();
    const report = await checkMoneyInvariants(query, initial);
    expect(report.violations).toEqual([]);
    expect(report).toMatchObject({ consumeLogs: 2, billedTotal: 50, holdsLeft: 0 });
  });

  it.each([
    [
      'a request billed twice',
      `INSERT INTO logs (type, token_id, user_id, quota, request_id) VALUES (2, 1, 7, 0, 'r1')`,
      /billed twice/,
    ],
    [
      'a settlement without a log',
      `INSERT INTO user_request_costs (request_id, quota) VALUES ('r3', 5)`,
      /without a consume log/,
    ],
    ['a hold never settled', `INSERT INTO quota_holds (request_id) VALUES ('r4')`, /never settled/],
    [
      'quota taken and never given back',
      `UPDATE tokens SET remain_quota = 960 WHERE id = 1`,
      /key #1: remaining 960/,
    ],
    [
      'a charge without a log',
      `UPDATE users SET used_quota = 60, quota = 4940 WHERE id = 7`,
      /user #7: consume logs sum to 50 but used_quota is 60/,
    ],
    ['money created for a user', `UPDATE users SET quota = 4990 WHERE id = 7`, /user #7: remaining 4990/],
  ])('catches %s', async (_label, breakIt, message) => {
    await consistent();
    await client.query(breakIt);
    const report = await checkMoneyInvariants(query, initial);
    expect(report.violations.join('\n')).toMatch(message);
  });
});
