import { generateKeyPairSync } from 'node:crypto';
import OpenAI from 'openai';
import { type FakeProvider, predictCozeUsage, startFakeCoze } from '@one-api/llm-testing';
import { startTestApp, type TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP = {
  client_type: 'jwt',
  client_id: '1127900106117',
  public_key_id: 'kid-e2e-0VjcMlLdQc3tRTD3jC5Xz29TUnKQ',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

/**
 * Coze (34) channels behind the gateway, called with the official openai SDK: one with a personal access token, one
 * with an OAuth JWT app (the fake Coze verifies the JWT's RS256 signature with the app's public key and issues the
 * token the chat is then sent with). Each request settles one consume log billed with Coze's usage, charged to the key.
 */
describe('Coze channels through /v1/chat/completions', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let key: { id: number; key: string };
  let client: OpenAI;
  const channels: Record<'pat' | 'jwt', number> = { pat: 0, jwt: 0 };

  beforeAll(async () => {
    fake = await startFakeCoze({
      personalAccessToken: 'pat_e2e_personal',
      jwtApp: {
        appId: APP.client_id,
        keyId: APP.public_key_id,
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
    });
    t = await startTestApp();
    root = await t.login('root', '123456');
    channels.pat = await createChannel(root, {
      type: 34,
      name: 'coze personal token',
      key: 'pat_e2e_personal',
      base_url: fake.url,
      models: 'bot-7379462189365198898',
      config: JSON.stringify({ user_id: 'gateway-user' }),
    });
    channels.jwt = await createChannel(root, {
      type: 34,
      name: 'coze oauth jwt app',
      key: JSON.stringify(APP),
      base_url: fake.url,
      models: 'bot-7400000000000000001',
      config: JSON.stringify({ auth_type: 'oauth_jwt', user_id: 'gateway-user' }),
    });
    key = await createKey(root, { name: 'coze', remain_quota: 10_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  beforeEach(() => fake.clear());

  async function lastLog() {
    await settled(t);
    const res = await root.get('/api/log/').query({ type: 2, size: 1 });
    return res.body.data[0];
  }

  const token = async () => (await root.get(`/api/token/${key.id}`)).body.data;
  const chats = () => fake.requests.filter((r) => r.path === '/v3/chat');
  const exchanges = () => fake.requests.filter((r) => r.path === '/api/permission/oauth2/token');

  it('personal access token: a non-stream answer folded from the stream, billed once with Coze usage', async () => {
    const before = await token();
    const completion = await client.chat.completions.create({
      model: 'bot-7379462189365198898',
      messages: [{ role: 'user', content: 'Say hello in one sentence.' }],
    });
    expect(completion.choices[0].message.content).toBe(
      'Hello! This is fake-coze answering: Say hello in one sentence.',
    );
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(chats()).toHaveLength(1);
    const [sent] = chats();
    expect(sent.headers.authorization).toBe('Bearer pat_e2e_personal');
    expect(sent.body).toEqual({
      bot_id: '7379462189365198898',
      user_id: 'gateway-user',
      stream: true,
      additional_messages: [{ role: 'user', content: 'Say hello in one sentence.', content_type: 'text' }],
    });
    const usage = predictCozeUsage(sent.body);
    expect(completion.usage).toMatchObject({ prompt_tokens: usage.input, completion_tokens: usage.output });
    const log = await lastLog();
    expect(log).toMatchObject({
      type: 2,
      channel: channels.pat,
      model_name: 'bot-7379462189365198898',
      is_stream: false,
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
    });
    expect(log.quota).toBeGreaterThan(0);
    const after = await token();
    expect(after.used_quota - before.used_quota).toBe(log.quota);
  });

  it('OAuth JWT app: the token is exchanged with a verified JWT once, then reused; streams bill Coze usage', async () => {
    for (let i = 0; i < 2; i++) {
      const before = await token();
      const stream = await client.chat.completions.create({
        model: 'bot-7400000000000000001',
        messages: [{ role: 'user', content: `Stream number ${i}` }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let shown: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.usage) shown = chunk.usage;
      }
      expect(text).toBe(`Hello! This is fake-coze answering: Stream number ${i}`);
      const sent = chats().at(-1)!;
      expect(sent.headers.authorization).toMatch(/^Bearer czs_/);
      const usage = predictCozeUsage(sent.body);
      expect(shown).toMatchObject({ prompt_tokens: usage.input, completion_tokens: usage.output });
      const log = await lastLog();
      expect(log).toMatchObject({
        channel: channels.jwt,
        is_stream: true,
        prompt_tokens: usage.input,
        completion_tokens: usage.output,
      });
      expect(log.quota).toBeGreaterThan(0);
      expect((await token()).used_quota - before.used_quota).toBe(log.quota);
    }
    // cleared before each test: one exchange for both requests of this test
    expect(exchanges()).toHaveLength(1);
    const jwt = String(exchanges()[0].headers.authorization).replace('Bearer ', '');
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ iss: APP.client_id, aud: new URL(fake.url).host });
  });

  it('a bad token (Coze answers HTTP 200 with code 4100) fails as a channel credential error, with no charge', async () => {
    await createChannel(root, {
      type: 34,
      name: 'coze unknown bot',
      key: 'pat_wrong_token',
      base_url: fake.url,
      models: 'bot-1',
    });
    const error = await client.chat.completions
      .create({ model: 'bot-1', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as Error).message).toContain('rejected the channel credentials');
    const log = await lastLog();
    expect(log).toMatchObject({ model_name: 'bot-1', quota: 0 });
  });
});
