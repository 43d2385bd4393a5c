import { maskPassword, parseEndpoint } from './endpoint';

describe('migration endpoints', () => {
  it('reads SQL_DSN forms and SQLite paths', () => {
    expect(parseEndpoint('postgres://u:p@db:5432/oneapi')).toMatchObject({
      dialect: 'postgres',
      sqlDsn: 'postgres://u:p@db:5432/oneapi',
    });
    expect(parseEndpoint('mysql://u:p@db:3306/oneapi')).toMatchObject({ dialect: 'mysql' });
    expect(parseEndpoint('root:secret@tcp(db:3306)/oneapi')).toMatchObject({ dialect: 'mysql' });
    expect(parseEndpoint('sqlite:/data/one-api.db')).toMatchObject({
      dialect: 'sqlite',
      sqlitePath: '/data/one-api.db',
    });
    expect(parseEndpoint('./data/one-api.db')).toMatchObject({
      dialect: 'sqlite',
      sqlitePath: './data/one-api.db',
    });
    expect(() => parseEndpoint('  ')).toThrow('empty DSN');
  });

  it('never shows a password', () => {
    expect(maskPassword('postgres://u:s3cret@db:5432/x')).toBe('postgres://u:***@db:5432/x');
    expect(maskPassword('root:s3cret@tcp(db:3306)/x')).toBe('root:***@tcp(db:3306)/x');
    expect(parseEndpoint('mysql://u:s3cret@db/x').label).not.toContain('s3cret');
  });
});
