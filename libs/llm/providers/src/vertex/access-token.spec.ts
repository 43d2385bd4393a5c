/**
 * The service-account token exchange against the fake Vertex token endpoint (which checks the RS256 signature with
 * the account's public key, `aud` = its own URL and the scope): caching, sharing, refresh, and failures that say
 * what went wrong without quoting the key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { GatewayError, type UpstreamIo } from '@one-api/llm-core';
import { type FakeVertex, startFakeVertex } from '@one-api/llm-testing';
import {
  serviceAccountAccessToken,
  signServiceAccountAssertion,
  TOKEN_REFRESH_MARGIN_MS,
} from './access-token';
import { type ServiceAccount } from './credentials';

async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

function ioWith(
  clock: { now: number },
  cache = new Map<string, unknown>(),
  controller = new AbortController(),
): UpstreamIo {
  return {
    async send(call) {
      const res = await fetch(call.url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal: controller.signal,
      });
      const text = await res.text();
      return {
        statusCode: res.status,
        headers: Object.fromEntries(res.headers),
        body: Object.assign(chunksOf(text), { text: async () => text }),
      };
    },
    signal: controller.signal,
    now: () => clock.now,
    cache,
  };
}

function accountOf(fake: FakeVertex): ServiceAccount {
  const json = fake.serviceAccount.json;
  return {
    client_email: json.client_email,
    private_key: json.private_key,
    private_key_id: json.private_key_id,
    project_id: json.project_id,
    token_uri: json.token_uri,
  };
}

describe('serviceAccountAccessToken', () => {
  let fake: FakeVertex;

  beforeAll(async () => {
    fake = await startFakeVertex();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.resetTokens();
    fake.clear();
  });

  it('signs an RS256 assertion the token endpoint accepts, posted as a form to the account token_uri', async () => {
    const clock = { now: Date.now() };
    const token = await serviceAccountAccessToken(accountOf(fake), ioWith(clock));
    expect(token).toMatch(/^ya29\.fake-/);
    expect(fake.tokenExchanges).toBe(1);
    const [sent] = fake.requests;
    expect(sent.path).toBe('/token');
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(sent.rawBody);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [header, claims] = (form.get('assertion') as string)
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: fake.serviceAccount.json.private_key_id });
    const iat = Math.floor(clock.now / 1000);
    expect(claims).toEqual({
      iss: fake.serviceAccount.json.client_email,
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      aud: fake.tokenUrl,
      iat,
      exp: iat + 3600,
    });
  });

  it('reuses the token until five minutes before it expires, then exchanges again', async () => {
    // tokens living 10 s past the margin (the fake's own clock stays real, so the gateway's may only run a little ahead)
    fake.setTokenLifetime(TOKEN_REFRESH_MARGIN_MS / 1000 + 10);
    const clock = { now: Date.now() };
    const io = ioWith(clock);
    const first = await serviceAccountAccessToken(accountOf(fake), io);
    clock.now += 9000;
    expect(await serviceAccountAccessToken(accountOf(fake), io)).toBe(first);
    expect(fake.tokenExchanges).toBe(1);
    clock.now += 2000;
    const second = await serviceAccountAccessToken(accountOf(fake), io);
    expect(second).not.toBe(first);
    expect(fake.tokenExchanges).toBe(2);
  });

  it('lets concurrent requests share one exchange', async () => {
    const io = ioWith({ now: Date.now() });
    const tokens = await Promise.all(
      Array.from({ length: 6 }, () => serviceAccountAccessToken(accountOf(fake), io)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(fake.tokenExchanges).toBe(1);
  });

  it('exchanges on every request when the tokens live less than the refresh margin', async () => {
    fake.setTokenLifetime(60);
    const io = ioWith({ now: Date.now() });
    await serviceAccountAccessToken(accountOf(fake), io);
    await serviceAccountAccessToken(accountOf(fake), io);
    expect(fake.tokenExchanges).toBe(2);
  });

  it("reports Google's refusal of an assertion signed by another key, never quoting the key", async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const account = { ...accountOf(fake), private_key: other };
    const io = ioWith({ now: Date.now() });
    const error = await serviceAccountAccessToken(account, io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).message).toBe(
      `the Vertex AI access token was refused for ${account.client_email}: invalid_grant: Invalid JWT Signature.`,
    );
    expect(error as GatewayError).toMatchObject({ kind: 'upstream', status: 502, retryable: true });
    expect(fake.tokenExchanges).toBe(0);
    // a failure is not cached: the right key works on the next request
    expect(await serviceAccountAccessToken(accountOf(fake), io)).toMatch(/^ya29\./);
  });

  it('refuses a private key that is not PEM without sending anything or echoing it', async () => {
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC-very-secret';
    const account = { ...accountOf(fake), private_key: secret };
    const error = (await serviceAccountAccessToken(account, ioWith({ now: Date.now() })).catch(
      (e: unknown) => e,
    )) as GatewayError;
    expect(error.message).toBe(
      `the Vertex AI service account ${account.client_email} has a private_key that is not a PEM RSA private key`,
    );
    expect(error.message).not.toContain('secret');
    expect(fake.requests).toEqual([]);
  });

  it('says so when the token endpoint cannot be reached', async () => {
    const account = { ...accountOf(fake), token_uri: 'http://127.0.0.1:1/token' };
    const error = (await serviceAccountAccessToken(account, ioWith({ now: Date.now() })).catch(
      (e: unknown) => e,
    )) as GatewayError;
    expect(error.message).toBe(
      `the Vertex AI access token could not be fetched for ${account.client_email}: the token endpoint did not answer`,
    );
  });

  it('signs with the key id only when the account has one', () => {
    const account = { ...accountOf(fake), private_key_id: undefined };
    const header = JSON.parse(
      Buffer.from(signServiceAccountAssertion(account, 0).split('.')[0], 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
  });

  it('a request waiting on an exchange whose owner went away starts its own', async () => {
    fake.setFault('slow:150');
    const cache = new Map<string, unknown>();
    const clock = { now: Date.now() };
    const leaving = new AbortController();
    const first = serviceAccountAccessToken(accountOf(fake), ioWith(clock, cache, leaving));
    const second = serviceAccountAccessToken(accountOf(fake), ioWith(clock, cache));
    setTimeout(() => leaving.abort(), 30);
    await expect(first).rejects.toThrow(/did not answer/);
    fake.setFault(null);
    expect(await second).toMatch(/^ya29\./);
    // the abandoned exchange and the waiting request's own one
    expect(fake.requests.map((r) => r.path)).toEqual(['/token', '/token']);
  });
});
