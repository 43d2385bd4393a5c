import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source';
import { Log } from './entities';
import { SqliteDirect } from './sqlite-direct';

describe('SqliteDirect', () => {
  let dataSource: DataSource;
  let direct: SqliteDirect;

  beforeAll(async () => {
    dataSource = new DataSource(
      buildDataSourceOptions({
        sqlDsn: '',
        sqlitePath: ':memory:',
        sqliteBusyTimeout: 3000,
        sqlMaxIdleConns: 1,
        sqlMaxOpenConns: 1,
        sqlMaxLifetime: 60,
        debugSql: false,
      }),
    );
    await dataSource.initialize();
    direct = SqliteDirect.of(dataSource)!;
  });

  afterAll(() => dataSource.destroy());

  it('is only offered on better-sqlite3', () => {
    expect(direct).toBeDefined();
    expect(SqliteDirect.of({ options: { type: 'postgres' } } as DataSource)).toBeUndefined();
  });

  it('inserts rows by entity property name, booleans as 0/1, readable back through TypeORM', async () => {
    direct.insertAll(Log, [
      {
        userId: 7,
        createdAt: 100,
        type: 2,
        content: 'a',
        modelName: 'm',
        quota: 12,
        isStream: true,
        requestId: 'r1',
      },
      {
        userId: 8,
        createdAt: 101,
        type: 2,
        content: 'b',
        modelName: 'm',
        quota: 3,
        isStream: false,
        requestId: 'r2',
      },
    ]);
    const rows = await dataSource.getRepository(Log).find({ order: { id: 'ASC' } });
    expect(rows.map((r) => [r.userId, r.quota, r.isStream, r.requestId, r.username])).toEqual([
      [7, 12, true, 'r1', ''],
      [8, 3, false, 'r2', ''],
    ]);
  });

  it('refuses a property the entity does not have', () => {
    expect(() => direct.insertAll(Log, [{ nope: 1 }])).toThrow('logs has no property nope');
  });

  it('rolls a failed transaction back as a whole', async () => {
    const before = await dataSource.getRepository(Log).count();
    expect(() =>
      direct.transaction(() => {
        direct.insertAll(Log, [{ userId: 9, createdAt: 1, type: 2, content: 'x', requestId: 'r3' }]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(await dataSource.getRepository(Log).count()).toBe(before);
  });

  it('reports changed rows and skips duplicate keys on raw inserts', async () => {
    await dataSource.query(`INSERT INTO users (username, password, quota) VALUES ('u', 'x', 10)`);
    expect(
      direct.run('UPDATE users SET quota = quota - ? WHERE username = ? AND quota >= ?', [4, 'u', 4]),
    ).toBe(1);
    expect(
      direct.run('UPDATE users SET quota = quota - ? WHERE username = ? AND quota >= ?', [7, 'u', 7]),
    ).toBe(0);
    const row = {
      trace_id: 't1',
      request_id: 'r',
      user_id: 1,
      url: '/v1',
      method: 'POST',
      status: 200,
      body_size: 1,
      timestamps: '{}',
      created_at: 1,
      updated_at: 1,
    };
    direct.insertRawIgnoringDuplicates('traces', [row, row]);
    expect(await dataSource.query(`SELECT COUNT(*) AS n FROM traces WHERE trace_id = 't1'`)).toEqual([
      { n: 1 },
    ]);
  });

  it('knows when a TypeORM transaction is open on the shared connection and waits for it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = dataSource.transaction(async () => {
      await held;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(direct.busy).toBe(true);
    const idle = direct.whenIdle();
    setTimeout(release, 10);
    await idle;
    await tx;
    expect(direct.busy).toBe(false);
  });
});
