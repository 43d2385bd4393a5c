/**
 * The authorize and exchange hooks against the fake Coze of @one-api/llm-testing, over real HTTP (undici): the fake
 * verifies the JWT's RS256 signature with the app's public key, its kid, iss, aud, exp and single-use jti.
 */
import { generateKeyPairSync } from 'node:crypto';
import { request } from 'undici';
import type { CanonicalRequest, UpstreamChannel, UpstreamIo } from '@one-api/llm-core';
import { predictCozeUsage, startFakeCoze, type FakeProvider } from '@one-api/llm-testing';
import { cozeAdapter } from './adapter';
import { COZE_TOKEN_REFRESH_MARGIN_MS, COZE_TOKEN_SECONDS, parseCozeJwtApp } from './oauth';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let fake: FakeProvider;
let clock = Date.now();
const cache = new Map<string, unknown>();

function io(): UpstreamIo {
  const signal = new AbortController().signal;
  return {
    send: async (call) => {
      const res = await request(call.url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal,
      });
      return { statusCode: res.statusCode, headers: res.headers, body: res.body };
    },
    signal,
    now: () => clock,
    cache,
  };
}

const appJson = (overrides: Record<string, string> = {}) =>
  JSON.stringify({
    client_type: 'jwt',
    client_id: '1127900106117',
    public_key_id: '_v0VjcMlLdQc3tRTD3jC5Xz29TUnKQOhtuD5k-gpyf4',
    private_key: privateKeyPem,
    ...overrides,
  });

const hello: CanonicalRequest = {
  model: 'bot-7379462189365198898',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
  sampling: {},
  stream: false,
};

async function call(channel: UpstreamChannel, req: CanonicalRequest = hello) {
  const built = cozeAdapter.buildRequest(req, channel);
  const authorized = await cozeAdapter.authorize!(built, channel, io());
  return cozeAdapter.exchange!(authorized, channel, io());
}

beforeAll(async () => {
  fake = await startFakeCoze({
    personalAccessToken: 'pat_good',
    jwtApp: { appId: '1127900106117', keyId: '_v0VjcMlLdQc3tRTD3jC5Xz29TUnKQOhtuD5k-gpyf4', publicKeyPem },
    now: () => clock,
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  cache.clear();
  clock = Date.now();
});

const jwtChannel = (): UpstreamChannel => ({
  type: 34,
  baseUrl: fake.url,
  key: appJson(),
  config: { auth_type: 'oauth_jwt', user_id: 'u1' },
});

describe('Coze OAuth JWT app and exchange against the fake Coze', () => {
  it('reads the app JSON Coze lets you download', () => {
    expect(parseCozeJwtApp(appJson({ coze_api_base: 'https://api.coze.cn' }))).toMatchObject({
      appId: '1127900106117',
      keyId: '_v0VjcMlLdQc3tRTD3jC5Xz29TUnKQOhtuD5k-gpyf4',
      apiBase: 'https://api.coze.cn',
    });
    expect(() => parseCozeJwtApp('pat_x')).toThrow(/not the app JSON/);
  });

  it('exchanges a signed JWT once, then reuses the cached token until a minute before it expires', async () => {
    const first = await call(jwtChannel());
    expect(first.statusCode).toBe(200);
    const response = cozeAdapter.parseResponse(JSON.parse(await first.body.text()));
    expect(response.content).toEqual([
      { type: 'text', text: 'Hello! This is fake-coze answering: Say hello' },
    ]);
    const usage = predictCozeUsage(fake.requests.find((r) => r.path === '/v3/chat')!.body);
    expect(response.usage).toMatchObject({ inputTokens: usage.input, outputTokens: usage.output });

    const [exchange, chat] = fake.requests;
    expect(exchange.path).toBe('/api/permission/oauth2/token');
    expect(exchange.body).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      duration_seconds: 900,
    });
    const [header, claims] = String(exchange.headers.authorization).replace('Bearer ', '').split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: '_v0VjcMlLdQc3tRTD3jC5Xz29TUnKQOhtuD5k-gpyf4',
    });
    expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toMatchObject({
      iss: '1127900106117',
      aud: new URL(fake.url).host,
      jti: expect.any(String),
    });
    expect(chat.headers.authorization).toMatch(/^Bearer czs_/);
    expect(chat.headers['x-one-api-caller-stream']).toBeUndefined();

    await call(jwtChannel());
    expect(fake.requests.filter((r) => r.path === '/api/permission/oauth2/token')).toHaveLength(1);

    clock += COZE_TOKEN_SECONDS * 1000 - COZE_TOKEN_REFRESH_MARGIN_MS + 1000;
    await call(jwtChannel());
    expect(fake.requests.filter((r) => r.path === '/api/permission/oauth2/token')).toHaveLength(2);
  });

  it('shares one exchange between concurrent requests', async () => {
    await Promise.all([call(jwtChannel()), call(jwtChannel()), call(jwtChannel())]);
    expect(fake.requests.filter((r) => r.path === '/api/permission/oauth2/token')).toHaveLength(1);
  });

  it('fails with a retryable channel error when Coze refuses the JWT (a key that is not the registered one)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const channel = { ...jwtChannel(), key: appJson({ private_key: other.toString() }) };
    await expect(call(channel)).rejects.toMatchObject({
      kind: 'upstream',
      retryable: true,
      message: expect.stringContaining('signature verification failed'),
    });
  });

  it('passes a personal access token through and streams for a stream caller', async () => {
    const channel: UpstreamChannel = {
      type: 34,
      baseUrl: fake.url,
      key: 'pat_good',
      config: { user_id: 'u2' },
    };
    const res = await call(channel, { ...hello, stream: true });
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const decoder = cozeAdapter.createStreamDecoder();
    const events = [...decoder.push(await res.body.text()), ...decoder.end()];
    expect(events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('')).toBe(
      'Hello! This is fake-coze answering: Say hello',
    );
    expect(fake.requests[0].headers.authorization).toBe('Bearer pat_good');
    expect(fake.requests[0].body).toMatchObject({
      bot_id: '7379462189365198898',
      user_id: 'u2',
      stream: true,
    });
  });

  it('answers a chat that fails before any answer as the HTTP error its code means, for stream callers too', async () => {
    const poor = await startFakeCoze({
      failChats: { code: 4019, msg: 'The balance of your Coze account is insufficient.' },
    });
    try {
      const channel: UpstreamChannel = { type: 34, baseUrl: poor.url, key: 'pat_x', config: {} };
      for (const stream of [true, false]) {
        const res = await call(channel, { ...hello, stream });
        expect(res.statusCode).toBe(403);
        const error = cozeAdapter.parseError(res.statusCode, await res.body.text());
        expect({ kind: error.kind, code: error.providerCode, message: error.message }).toEqual({
          kind: 'permission',
          code: '4019',
          message: 'The balance of your Coze account is insufficient.',
        });
      }
    } finally {
      await poor.close();
    }
  });

  it('turns a business error answered with HTTP 200 into the HTTP error it means', async () => {
    const channel: UpstreamChannel = { type: 34, baseUrl: fake.url, key: 'pat_wrong', config: {} };
    const res = await call(channel, { ...hello, stream: true });
    expect(res.statusCode).toBe(401);
    const error = cozeAdapter.parseError(res.statusCode, await res.body.text());
    expect({ kind: error.kind, code: error.providerCode }).toEqual({ kind: 'auth', code: '4100' });
  });
});
