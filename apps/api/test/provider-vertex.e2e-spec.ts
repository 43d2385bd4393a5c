import { generateKeyPairSync } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FAKE_VERTEX_TOKEN_PATH, type FakeVertex, startFakeVertex } from '@one-api/llm-testing';
import { Log } from '@one-api/server-db';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled, sleep } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

/** The SDK's error for a call that must fail. */
async function failureOf(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

/**
 * Vertex AI channels (type 42) end to end: the gateway signs a JWT with the channel's service account, exchanges it
 * at the account's own token_uri (the fake checks the RS256 signature with the public key, the audience and the
 * scope), and calls Gemini and Claude publisher models with the bearer token.
 */
describe('Vertex AI channel (type 42): service-account tokens, Gemini and Claude models', () => {
  let t: TestApp;
  let root: Agent;
  let openai: OpenAI;
  let anthropic: Anthropic;
  const fakes: FakeVertex[] = [];

  async function vertexChannel(
    name: string,
    models: string,
    config: Record<string, unknown>,
  ): Promise<number> {
    return createChannel(root, {
      type: 42,
      name,
      key: 'unused',
      base_url: fakes.at(-1)!.url,
      models,
      config: JSON.stringify(config),
    });
  }

  async function fakeWithChannel(name: string, models: string, region = 'us-east5'): Promise<FakeVertex> {
    const fake = await startFakeVertex({ location: region });
    fakes.push(fake);
    await vertexChannel(name, models, {
      region,
      vertex_ai_project_id: fake.projectId,
      vertex_ai_adc: fake.serviceAccount.text,
    });
    return fake;
  }

  const modelCalls = (fake: FakeVertex) => fake.requests.filter((r) => r.path !== FAKE_VERTEX_TOKEN_PATH);

  beforeAll(async () => {
    t = await startTestApp();
    root = await t.login('root', '123456');
    const key = await createKey(root, { name: 'vertex', unlimited_quota: true });
    openai = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: key.key, baseURL: t.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(fakes.map((f) => f.close()));
  });

  async function logOf(requestId: string | null | undefined): Promise<Log> {
    await settled(t);
    const logs = await t.dataSource.getRepository(Log).find({ where: { requestId: requestId ?? '' } });
    expect(logs).toHaveLength(1);
    return logs[0];
  }

  it('serves Gemini and Claude models with one token exchange shared by concurrent and later requests', async () => {
    const fake = await fakeWithChannel(
      'vertex-global',
      'gemini-2.5-flash,claude-haiku-4-5@20251001',
      'global',
    );
    const ask = (text: string) =>
      openai.chat.completions.create({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: text }],
      });
    const answers = await Promise.all([ask('first'), ask('second'), ask('third')]);
    answers.forEach((a, i) =>
      expect(a.choices[0].message.content).toContain(['first', 'second', 'third'][i]),
    );
    expect(fake.tokenExchanges).toBe(1);

    const message = await anthropic.messages.create({
      model: 'claude-haiku-4-5@20251001',
      max_tokens: 128,
      messages: [{ role: 'user', content: 'hello claude on vertex' }],
    });
    expect(message.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('hello claude on vertex'),
    });
    const streamed = await anthropic.messages
      .stream({
        model: 'claude-haiku-4-5@20251001',
        max_tokens: 128,
        messages: [{ role: 'user', content: 'stream please' }],
      })
      .finalMessage();
    expect(streamed.content[0]).toMatchObject({ text: expect.stringContaining('stream please') });
    expect(fake.tokenExchanges).toBe(1);

    const calls = modelCalls(fake);
    const root = `/v1/projects/${fake.projectId}/locations/global/publishers`;
    expect(calls.map((c) => c.path)).toEqual([
      `${root}/google/models/gemini-2.5-flash:generateContent`,
      `${root}/google/models/gemini-2.5-flash:generateContent`,
      `${root}/google/models/gemini-2.5-flash:generateContent`,
      `${root}/anthropic/models/claude-haiku-4-5@20251001:rawPredict`,
      `${root}/anthropic/models/claude-haiku-4-5@20251001:streamRawPredict`,
    ]);
    const tokens = new Set(calls.map((c) => c.headers.authorization));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(/^Bearer ya29\.fake-/);
    for (const c of calls) expect(c.headers['x-goog-api-key']).toBeUndefined();
    expect(calls[3].body).toMatchObject({ anthropic_version: 'vertex-2023-10-16' });
    expect((calls[3].body as Record<string, unknown>).model).toBeUndefined();
  });

  it('bills each request from the provider usage with the model the caller asked for', async () => {
    const fake = await fakeWithChannel('vertex-billing', 'gemini-2.5-pro');
    const raw = await openai.chat.completions
      .create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'bill me' }] })
      .withResponse();
    const log = await logOf(raw.response.headers.get('x-oneapi-request-id'));
    expect({
      type: log.type,
      model: log.modelName,
      prompt: Number(log.promptTokens),
      completion: Number(log.completionTokens),
    }).toEqual({
      type: 2,
      model: 'gemini-2.5-pro',
      prompt: raw.data.usage?.prompt_tokens,
      completion: raw.data.usage?.completion_tokens,
    });
    expect(modelCalls(fake)).toHaveLength(1);
  });

  it("prices Claude's Vertex ids (model@version) like Anthropic's", async () => {
    await fakeWithChannel('vertex-claude-price', 'claude-sonnet-4-5@20250929');
    const raw = await anthropic.messages
      .create({
        model: 'claude-sonnet-4-5@20250929',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'price' }],
      })
      .withResponse();
    const log = await logOf(raw.response.headers.get('x-oneapi-request-id'));
    // $3 / $15 per 1M tokens: model ratio 1.5, completion ratio 5 (an unknown model would be ratio 30)
    expect(log.content).toContain('model ratio 1.5 × group ratio 1 × completion ratio 5');
  });

  it('exchanges a new token once the cached one is within five minutes of expiry', async () => {
    const fake = await fakeWithChannel('vertex-refresh', 'gemini-2.0-flash');
    fake.setTokenLifetime(5 * 60 + 1); // usable by the gateway for one second
    const ask = () =>
      openai.chat.completions.create({
        model: 'gemini-2.0-flash',
        messages: [{ role: 'user', content: 'tick' }],
      });
    await ask();
    await ask();
    expect(fake.tokenExchanges).toBe(1);
    await sleep(1100);
    await ask();
    expect(fake.tokenExchanges).toBe(2);
    const [first, second, third] = modelCalls(fake).map((c) => c.headers.authorization);
    expect(second).toBe(first);
    expect(third).not.toBe(first);
  });

  it('a service account the token endpoint refuses: a clear error, no key material, one log row', async () => {
    const fake = await startFakeVertex();
    fakes.push(fake);
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const forged = { ...fake.serviceAccount.json, private_key: otherKey };
    await vertexChannel('vertex-bad', 'gemini-bad-sa', {
      region: 'us-central1',
      vertex_ai_project_id: fake.projectId,
      vertex_ai_adc: JSON.stringify(forged),
    });
    const failure = await failureOf(
      openai.chat.completions.create({ model: 'gemini-bad-sa', messages: [{ role: 'user', content: 'x' }] }),
    );
    const email = fake.serviceAccount.json.client_email;
    const expected = `the Vertex AI access token was refused for ${email}: invalid_grant: Invalid JWT Signature.`;
    expect(failure.status).toBe(502);
    expect(failure.message).toContain(expected);
    const body = JSON.stringify(failure.error);
    expect(body).not.toContain('PRIVATE KEY');
    expect(body).not.toContain(otherKey.split('\n')[1]);
    expect(modelCalls(fake)).toEqual([]);
    expect(fake.tokenExchanges).toBe(0);

    const requestId = failure.headers?.get('x-oneapi-request-id');
    const log = await logOf(requestId);
    expect({
      type: log.type,
      model: log.modelName,
      quota: Number(log.quota),
      prompt: Number(log.promptTokens),
      completion: Number(log.completionTokens),
      content: log.content,
    }).toEqual({
      type: 2,
      model: 'gemini-bad-sa',
      quota: 0,
      prompt: 0,
      completion: 0,
      content: `error: ${expected}`,
    });
  });

  it('a channel without a service account says what is missing', async () => {
    const fake = await startFakeVertex();
    fakes.push(fake);
    await vertexChannel('vertex-empty', 'gemini-no-sa', { region: 'us-central1', vertex_ai_project_id: 'p' });
    const failure = await failureOf(
      openai.chat.completions.create({ model: 'gemini-no-sa', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(failure.status).toBe(502);
    expect(failure.message).toContain('the Vertex AI channel has no service account');
    expect(fake.requests).toEqual([]);
  });

  it('the channel test reaches the publisher of the tested model with an exchanged token', async () => {
    const fake = await startFakeVertex({ location: 'us-east5' });
    fakes.push(fake);
    const id = await vertexChannel('vertex-test', 'claude-sonnet-4-5@20250929,gemini-2.5-flash', {
      region: 'us-east5',
      vertex_ai_project_id: fake.projectId,
      vertex_ai_adc: fake.serviceAccount.text,
    });
    const res = await root.get(`/api/channel/test/${id}`).query({ model: 'claude-sonnet-4-5@20250929' });
    expect(res.body).toMatchObject({
      success: true,
      message: expect.stringContaining('Hello! This is fake-anthropic'),
    });
    expect(modelCalls(fake).map((c) => c.path)).toEqual([
      `/v1/projects/${fake.projectId}/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`,
    ]);
    expect(fake.tokenExchanges).toBe(1);
  });
});
