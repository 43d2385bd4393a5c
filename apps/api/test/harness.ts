import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '@one-api/server-config';
import { createApp } from '../src/create-app';
import { createTestDatabase, Engine, TestDatabase } from './databases';

export interface TestApp {
  app: INestApplication;
  url: string;
  config: AppConfig;
  dataSource: DataSource;
  database: TestDatabase;
  /** A supertest client for unauthenticated calls. */
  http: ReturnType<typeof request>;
  /** Signs in with the password and returns an agent that carries the session cookie. */
  login(username: string, password: string): Promise<ReturnType<typeof request.agent>>;
  close(): Promise<void>;
}

export interface StartOptions {
  engine?: Engine;
  /** extra environment variables, read through the real config loader */
  env?: Record<string, string>;
  /** reuse a prepared database (e.g. a One API legacy file) instead of a fresh one */
  database?: TestDatabase;
}

/** Boots the real API (no mocks) on 127.0.0.1 and a free port, on a fresh database of the given engine. */
export async function startTestApp(opts: StartOptions = {}): Promise<TestApp> {
  process.env.NODE_ENV = 'test';
  const database = opts.database ?? (await createTestDatabase(opts.engine ?? 'sqlite'));
  const config = loadConfig({
    SESSION_SECRET: 'test-session-secret',
    SQL_DSN: database.sqlDsn,
    SQLITE_PATH: database.sqlitePath || 'unused.db',
    SQL_MAX_OPEN_CONNS: '10',
    // Most suites sign in as root/123456 to set things up; the forced change itself is tested in sign-in.int-spec.ts.
    FORCE_ROOT_PASSWORD_CHANGE: 'false',
    // Suites share 127.0.0.1 and sign in often: rate limits are tested by the suites that turn them on.
    RATE_LIMIT_DISABLED: 'true',
    ...opts.env,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const dataSource = app.get<DataSource>(getDataSourceToken());
  return {
    app,
    url,
    config,
    dataSource,
    database,
    http: request(url),
    async login(username, password) {
      const agent = request.agent(url);
      const res = await agent.post('/api/user/login').send({ username, password });
      if (res.status !== 200 || !res.body.success) {
        throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return agent;
    },
    async close() {
      await app.close();
      if (!opts.database) await database.drop();
    },
  };
}
