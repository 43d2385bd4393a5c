import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { FAKE_VERTEX_TOKEN_PATH, type FakeVertex, startFakeVertex } from './fake-vertex';
import { CLOUD_PLATFORM_SCOPE } from './token-endpoint';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An assertion as a client would sign it, with parts overridable to test each refusal. */
function assertion(
  fake: FakeVertex,
  overrides: { claims?: Record<string, unknown>; kid?: string; key?: string } = {},
): string {
  const sa = fake.serviceAccount.json;
  const iat = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: overrides.kid ?? sa.private_key_id };
  const claims = {
    iss: sa.client_email,
    scope: CLOUD_PLATFORM_SCOPE,
    aud: fake.tokenUrl,
    iat,
    exp: iat + 3600,
    ...overrides.claims,
  };
  const input = `${b64(header)}.${b64(claims)}`;
  const key = createPrivateKey(overrides.key ?? sa.private_key);
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

async function exchange(
  fake: FakeVertex,
  jwt: string,
  grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer',
) {
  const res = await fetch(fake.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: grant, assertion: jwt }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('fake Vertex AI', () => {
  let fake: FakeVertex;
  let token: string;
  const modelUrl = (publisher: string, model: string, method: string, location = 'us-central1') =>
    `${fake.url}/v1/projects/${fake.projectId}/locations/${location}/publishers/${publisher}/models/${model}:${method}`;
  const post = (url: string, body: unknown, bearer = token) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    fake = await startFakeVertex();
    const answer = await exchange(fake, assertion(fake));
    token = answer.body.access_token as string;
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('issues tokens for a valid assertion and counts the exchanges', async () => {
    const answer = await exchange(fake, assertion(fake));
    expect(answer).toEqual({
      status: 200,
      body: { access_token: expect.stringMatching(/^ya29\.fake-/), expires_in: 3599, token_type: 'Bearer' },
    });
    expect(fake.tokenExchanges).toBe(2);
    expect(fake.requests[0].path).toBe(FAKE_VERTEX_TOKEN_PATH);
  });

  it.each([
    [
      'another key',
      {
        key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }) as string,
      },
      'invalid_grant',
      'Invalid JWT Signature.',
    ],
    ['another key id', { kid: 'not-the-key' }, 'invalid_grant', 'Invalid JWT Signature.'],
    [
      'another issuer',
      { claims: { iss: 'someone@else.iam.gserviceaccount.com' } },
      'invalid_grant',
      'Invalid JWT Signature.',
    ],
    [
      "Google's audience instead of the account's token_uri",
      { claims: { aud: 'https://oauth2.googleapis.com/token' } },
      'invalid_grant',
      'Invalid JWT: Failed audience check.',
    ],
    [
      'another scope',
      { claims: { scope: 'https://www.googleapis.com/auth/userinfo.email' } },
      'invalid_scope',
      expect.any(String),
    ],
    [
      'a two-hour lifetime',
      { claims: { exp: Math.floor(Date.now() / 1000) + 7200 } },
      'invalid_grant',
      expect.stringContaining('short-lived'),
    ],
  ])('refuses an assertion with %s', async (_what, overrides, error, description) => {
    const answer = await exchange(fake, assertion(fake, overrides));
    expect(answer).toEqual({ status: 400, body: { error, error_description: description } });
  });

  it('refuses other grant types', async () => {
    expect((await exchange(fake, assertion(fake), 'client_credentials')).body.error).toBe(
      'unsupported_grant_type',
    );
  });

  it('answers Gemini models with a token it issued, and only then', async () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'hello vertex' }] }] };
    const ok = await post(modelUrl('google', 'gemini-2.5-flash', 'generateContent'), body);
    expect(ok.status).toBe(200);
    expect(JSON.stringify(await ok.json())).toContain('hello vertex');
    const denied = await post(modelUrl('google', 'gemini-2.5-flash', 'generateContent'), body, 'ya29.forged');
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    const sse = await post(
      `${modelUrl('google', 'gemini-2.5-flash', 'streamGenerateContent')}?alt=sse`,
      body,
    );
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await sse.text()).toMatch(/^data: \{"candidates"/);
  });

  it("answers Claude models on rawPredict only with Vertex's body rules", async () => {
    const base = {
      anthropic_version: 'vertex-2023-10-16',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi claude' }],
    };
    const ok = await post(modelUrl('anthropic', 'claude-haiku-4-5@20251001', 'rawPredict'), base);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ type: 'message', content: [{ type: 'text' }] });
    const withModel = await post(modelUrl('anthropic', 'claude-haiku-4-5@20251001', 'rawPredict'), {
      ...base,
      model: 'claude-haiku-4-5',
    });
    expect(withModel.status).toBe(400);
    const noVersion = await post(modelUrl('anthropic', 'claude-haiku-4-5@20251001', 'rawPredict'), {
      ...base,
      anthropic_version: undefined,
    });
    expect(await noVersion.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const stream = await post(modelUrl('anthropic', 'claude-haiku-4-5@20251001', 'streamRawPredict'), {
      ...base,
      stream: true,
    });
    expect(await stream.text()).toMatch(/^event: message_start/);
  });

  it("refuses another project's resources", async () => {
    const res = await post(
      `${fake.url}/v1/projects/other/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent`,
      { contents: [{ role: 'user', parts: [{ text: 'x' }] }] },
    );
    expect(res.status).toBe(403);
  });

  it('injects faults in Google error shape', async () => {
    fake.failNext(1, '429');
    const res = await post(modelUrl('google', 'gemini-2.5-flash', 'generateContent'), {
      contents: [{ role: 'user', parts: [{ text: 'x' }] }],
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
  });
});
