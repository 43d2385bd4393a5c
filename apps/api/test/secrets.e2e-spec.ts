import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { GatewayProcess, startGatewayProcess } from './gateway-process';

/**
 * Secrets never leave: the gateway runs as a real process with debug logging, configured with recognisable channel
 * keys, session secret, SMTP password and OAuth/OIDC client secrets; root, an admin and a user exercise the
 * management API and the relay (including an upstream that rejects the channel key); then every response (headers
 * and body) and everything the process printed are searched for the secrets. One API never returns channel keys
 * (lists and get-by-id omit them) and hides `*Token`/`*Secret` options, so no answer may contain any of them.
 */

const SECRETS = {
  sessionSecret: 'canary-session-secret-5d1e9f0a7b',
  channelKey: 'sk-canary-channel-key-3c8e1f2a9d4b',
  rejectedChannelKey: 'sk-canary-rejected-key-8f7e6d5c4b3a',
  smtpToken: 'canary-smtp-password-1a2b3c4d',
  oidcSecret: 'canary-oidc-client-secret-9e8d7c',
  githubSecret: 'canary-github-client-secret-6b5a4f',
  larkSecret: 'canary-lark-client-secret-2e1d0c',
  turnstileSecret: 'canary-turnstile-secret-key-7a6b5c',
};

describe('secrets never reach responses or logs', () => {
  let fake: FakeProvider;
  let strict: FakeProvider;
  let gateway: GatewayProcess;
  let dir: string;
  const seen: string[] = [];

  /** Every answer is kept (status line, headers, body) to be searched at the end. */
  async function keep(res: request.Response | Promise<request.Response>): Promise<request.Response> {
    const r = await res;
    seen.push(`${r.status} ${JSON.stringify(r.headers)} ${r.text ?? ''}`);
    return r;
  }

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    strict = await startFakeOpenAI({ apiKey: 'the-only-accepted-key' });
    dir = mkdtempSync(join(tmpdir(), 'oneapi-secrets-'));
    gateway = await startGatewayProcess({
      SQLITE_PATH: join(dir, 'one-api.db'),
      SESSION_SECRET: SECRETS.sessionSecret,
      LOG_LEVEL: 'debug',
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await fake?.close();
    await strict?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no channel key, session secret, SMTP password or OAuth/OIDC secret appears anywhere', async () => {
    const url = gateway.url;
    const root = request.agent(url);
    await keep(root.post('/api/user/login').send({ username: 'root', password: '123456' }).expect(200));
    for (const [key, value] of [
      ['SMTPToken', SECRETS.smtpToken],
      ['OidcClientSecret', SECRETS.oidcSecret],
      ['GitHubClientSecret', SECRETS.githubSecret],
      ['LarkClientSecret', SECRETS.larkSecret],
      ['TurnstileSecretKey', SECRETS.turnstileSecret],
    ])
      expect((await keep(root.put('/api/option/').send({ key, value }))).body.success).toBe(true);
    const ok = await keep(
      root.post('/api/channel/').send({
        type: 1,
        name: 'canary',
        key: SECRETS.channelKey,
        base_url: fake.url,
        models: 'gpt-4o-mini',
      }),
    );
    const rejected = await keep(
      root.post('/api/channel/').send({
        type: 1,
        name: 'rejected',
        key: SECRETS.rejectedChannelKey,
        base_url: strict.url,
        models: 'gpt-rejected',
      }),
    );
    const channelIds = [ok.body.data[0], rejected.body.data[0]] as number[];
    await keep(root.post('/api/user/').send({ username: 'secadmin', password: 'password-123', role: 10 }));
    await keep(
      root.post('/api/user/').send({ username: 'secuser', password: 'password-123', quota: 1_000_000 }),
    );
    const admin = request.agent(url);
    await keep(
      admin.post('/api/user/login').send({ username: 'secadmin', password: 'password-123' }).expect(200),
    );
    const user = request.agent(url);
    await keep(
      user.post('/api/user/login').send({ username: 'secuser', password: 'password-123' }).expect(200),
    );
    const key = (await keep(user.post('/api/token/').send({ name: 'k', remain_quota: 1_000_000 }))).body.data
      .key;

    const reads = [
      '/api/status',
      '/api/about',
      '/api/notice',
      '/api/option/',
      '/api/channel/?p=0',
      '/api/channel/search?keyword=canary',
      ...channelIds.map((id) => `/api/channel/${id}`),
      ...channelIds.map((id) => `/api/channel/test/${id}`),
      '/api/channel/models',
      '/api/models',
      '/api/group',
      '/api/user/self',
      '/api/user/?p=0',
      '/api/user/dashboard',
      '/api/token/?p=0',
      '/api/log/?p=0',
      '/api/log/self?p=0',
      '/api/status/channel',
    ];
    for (const agent of [root, admin, user]) for (const path of reads) await keep(agent.get(path));
    for (const model of ['gpt-4o-mini', 'gpt-rejected'])
      for (const stream of [false, true])
        await keep(
          request(url)
            .post('/v1/chat/completions')
            .set('Authorization', `Bearer ${key}`)
            .send({ model, stream, messages: [{ role: 'user', content: 'hello' }] }),
        );
    await keep(request(url).get('/v1/models').set('Authorization', `Bearer ${key}`));
    for (const agent of [root, admin, user]) await keep(agent.get('/api/log/self?p=0'));
    // Give the process a moment to write its last log lines.
    await new Promise((r) => setTimeout(r, 300));

    const output = gateway.output();
    const leaks: string[] = [];
    for (const [name, secret] of Object.entries(SECRETS)) {
      const inResponses = seen.filter((s) => s.includes(secret)).length;
      if (inResponses) leaks.push(`${name} in ${inResponses} responses`);
      if (output.includes(secret)) leaks.push(`${name} in the process output`);
    }
    process.stdout.write(
      `secrets grep: ${Object.keys(SECRETS).length} secrets, ${seen.length} responses and ${output.length} bytes of debug log searched, ${leaks.length} leaks\n`,
    );
    expect(leaks).toEqual([]);
    // The searches were not vacuous: the log is there, and the rejected channel really was refused upstream.
    expect(output.length).toBeGreaterThan(1000);
    expect(seen.some((s) => s.includes(String(key).replace(/^sk-/, '')))).toBe(true); // the search sees bodies
    expect(seen.some((s) => s.includes('gpt-rejected') || /Incorrect API key|credentials/.test(s))).toBe(
      true,
    );
  });

  it('writes no secret into request traces or logs in the database', () => {
    const db = new Database(join(dir, 'one-api.db'), { readonly: true });
    try {
      const traces = JSON.stringify(db.prepare('SELECT * FROM traces').all());
      const logs = JSON.stringify(db.prepare('SELECT * FROM logs').all());
      expect(traces.length).toBeGreaterThan(100); // the relay calls above were traced
      for (const secret of Object.values(SECRETS)) {
        expect(traces).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    } finally {
      db.close();
    }
  });

  it('stores passwords as bcrypt hashes only', () => {
    const db = new Database(join(dir, 'one-api.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT username, password FROM users').all() as Array<{
        username: string;
        password: string;
      }>;
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const row of rows) {
        expect(row.password).toMatch(/^\$2[aby]\$\d{2}\$/);
        expect(row.password).not.toContain('password-123');
      }
    } finally {
      db.close();
    }
  });

  it('gives every sign-in a new session, clears it at logout, and a password change ends every session', async () => {
    const cookieOf = async (password: string) => {
      const res = await request(gateway.url).post('/api/user/login').send({ username: 'secuser', password });
      return String(res.headers['set-cookie']?.[0] ?? '').split(';')[0];
    };
    const first = await cookieOf('password-123');
    const second = await cookieOf('password-123');
    expect(first).toMatch(/^session=.+/);
    expect(second).not.toBe(first);
    expect((await request(gateway.url).get('/api/user/self').set('Cookie', first)).status).toBe(200);
    const out = await request(gateway.url).get('/api/user/logout').set('Cookie', first);
    expect(String(out.headers['set-cookie'])).toMatch(/session=;|Expires=Thu, 01 Jan 1970/);
    // Sessions are stateless signed cookies (as One API's): a password change is what signs every one of them out.
    const changed = await request(gateway.url)
      .put('/api/user/self')
      .set('Cookie', second)
      .send({ password: 'password-456' });
    expect(changed.status).toBe(200);
    expect((await request(gateway.url).get('/api/user/self').set('Cookie', first)).status).toBe(401);
    expect((await request(gateway.url).get('/api/user/self').set('Cookie', second)).status).toBe(401);
    expect(
      (
        await request(gateway.url)
          .get('/api/user/self')
          .set('Cookie', await cookieOf('password-456'))
      ).status,
    ).toBe(200);
  });
});
