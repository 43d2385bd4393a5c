import { loadConfig, ConfigValidationError } from './load-config';

describe('loadConfig', () => {
  it('uses One API defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.sqlDsn).toBe('');
    expect(config.sqlitePath).toBe('data/one-api.db');
    expect(config.maxItemsPerPage).toBe(100);
    expect(config.enableCookieSecure).toBe(false);
  });

  it('reads the One API variable names', () => {
    const config = loadConfig({
      PORT: '8080',
      SQL_DSN: 'postgres://u:p@h/db',
      ENABLE_COOKIE_SECURE: 'true',
      MAX_ITEMS_PER_PAGE: '20',
      INITIAL_ROOT_ACCESS_TOKEN: 'abc',
    });
    expect(config).toMatchObject({
      port: 8080,
      sqlDsn: 'postgres://u:p@h/db',
      enableCookieSecure: true,
      maxItemsPerPage: 20,
      initialRootAccessToken: 'abc',
    });
  });

  it('reports every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DEBUG: 'maybe',
        MAX_ITEMS_PER_PAGE: '0',
        SESSION_SECRET: 'random_string',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('DEBUG');
    expect(problems).toContain('MAX_ITEMS_PER_PAGE');
    expect(problems).toContain('SESSION_SECRET');
    expect((error as ConfigValidationError).problems).toHaveLength(4);
  });
});
