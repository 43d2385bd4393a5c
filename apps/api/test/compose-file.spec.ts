import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ENV_BINDINGS } from '@one-api/server-config';
import { resolveDatabaseTarget } from '@one-api/server-db';

const ROOT = resolve(__dirname, '../../..');
const compose = parse(readFileSync(join(ROOT, 'docker/docker-compose.yml'), 'utf8'), { merge: true });
const KNOWN_ENV = new Set<string>(ENV_BINDINGS.map(([name]) => name));

describe('docker/docker-compose.yml', () => {
  it('runs the gateway and its worker from the Dockerfile, with PostgreSQL and Redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['one-api', 'postgres', 'redis', 'worker']);
    const api = compose.services['one-api'];
    expect(existsSync(join(ROOT, 'docker', api.build.context, api.build.dockerfile))).toBe(true);
    expect(compose.services.worker.image).toBe(api.image);
    expect(compose.services.worker.command).toEqual(['node', 'apps/worker/dist/main.js']);
    expect(api.volumes).toContain('one-api-data:/data');
    expect(api.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(compose.services.postgres.healthcheck.test.join(' ')).toMatch(/pg_isready/);
    expect(compose.services.redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('sets only variables the gateway reads, wired to the database and Redis services', () => {
    for (const name of ['one-api', 'worker']) {
      const env = compose.services[name].environment as Record<string, string>;
      for (const key of Object.keys(env)) expect([key, KNOWN_ENV.has(key)]).toEqual([key, true]);
      const dsn = env.SQL_DSN.replace('${POSTGRES_PASSWORD:-oneapi}', 'pw');
      expect(resolveDatabaseTarget(dsn, '')).toEqual({
        type: 'postgres',
        url: 'postgres://oneapi:pw@postgres:5432/oneapi',
      });
      expect(env.REDIS_CONN_STRING).toBe('redis://redis:6379/0');
      // jobs run in the worker service, which needs the shared Redis queue
      expect(env.RUN_WORKER_IN_API).toBe('false');
      expect(env.SESSION_SECRET).toMatch(/^\$\{SESSION_SECRET:\?/);
    }
    expect(compose.services.postgres.environment.POSTGRES_DB).toBe('oneapi');
  });
});
