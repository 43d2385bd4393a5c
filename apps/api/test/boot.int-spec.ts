import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';
import { ONE_API_TABLES } from '@one-api/server-db';

describeEachEngine('boot on a fresh database', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ engine });
  });
  afterAll(async () => t?.close());

  it('creates every One API table and seeds root exactly once', async () => {
    for (const table of ONE_API_TABLES) {
      const rows = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM ${engine === 'postgres' ? `"${table.name}"` : `\`${table.name}\``}`,
      );
      expect(rows).toHaveLength(1);
    }
    const users = await t.dataSource.query(`SELECT username, role, status, quota, display_name FROM users`);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ username: 'root', role: 100, status: 1, display_name: 'Root User' });
    expect(Number(users[0].quota)).toBe(500000000000000);
  });

  it('answers unknown API paths in the caller format', async () => {
    const api = await t.http.get('/api/nope');
    expect(api.status).toBe(404);
    expect(api.body).toEqual({ success: false, message: 'Invalid URL (GET /api/nope)' });
    const v1 = await t.http.post('/v1/nope');
    expect(v1.status).toBe(404);
    expect(v1.body.error.type).toBe('invalid_request_error');
  });
});
