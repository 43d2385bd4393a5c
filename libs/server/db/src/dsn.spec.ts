import { resolveDatabaseTarget } from './dsn';

describe('resolveDatabaseTarget', () => {
  it('defaults to SQLite at SQLITE_PATH', () => {
    expect(resolveDatabaseTarget('', 'data/one-api.db')).toEqual({ type: 'sqlite', path: 'data/one-api.db' });
  });

  it('recognises PostgreSQL URLs', () => {
    expect(resolveDatabaseTarget('postgres://u:p@db:5432/oneapi', 'x')).toEqual({
      type: 'postgres',
      url: 'postgres://u:p@db:5432/oneapi',
    });
    expect(resolveDatabaseTarget('postgresql://u@db/oneapi', 'x').type).toBe('postgres');
  });

  it('parses the Go MySQL DSN form One API documents', () => {
    expect(
      resolveDatabaseTarget('root:123456@tcp(localhost:3306)/oneapi?charset=utf8mb4&parseTime=True', 'x'),
    ).toEqual({
      type: 'mysql',
      host: 'localhost',
      port: 3306,
      user: 'root',
      password: '123456',
      database: 'oneapi',
      params: { charset: 'utf8mb4', parseTime: 'True' },
    });
  });

  it('keeps @ and / inside a Go DSN password', () => {
    const target = resolveDatabaseTarget('app:p@ss/w0rd@tcp(10.0.0.5:3307)/db', 'x');
    expect(target).toMatchObject({
      user: 'app',
      password: 'p@ss/w0rd',
      host: '10.0.0.5',
      port: 3307,
      database: 'db',
    });
  });

  it('accepts mysql:// URLs', () => {
    expect(resolveDatabaseTarget('mysql://app:app@127.0.0.1:3306/app', 'x')).toMatchObject({
      type: 'mysql',
      host: '127.0.0.1',
      user: 'app',
      database: 'app',
    });
  });
});
