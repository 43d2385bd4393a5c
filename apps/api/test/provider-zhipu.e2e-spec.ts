import OpenAI from 'openai';
import { FakeProvider, startFakeZhipu, zhipuTokenProblem } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const ZHIPU_KEY = 'f3a9c1d2e4b5.Zx8PqR7sT6uV5wY4';

describe('Zhipu channel (type 16): JWT-signed v4 API through the gateway', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeZhipu({ apiKey: ZHIPU_KEY });
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 16,
      name: 'zhipu',
      key: ZHIPU_KEY,
      base_url: fake.url,
      models: 'glm-4-plus,embedding-3,cogview-3-plus',
    });
    const key = await createKey(root, { name: 'zhipu', remain_quota: 50_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  async function lastLog() {
    await settled(t);
    return (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data[0];
  }

  function sentToken(): string {
    return fake.requests[0].headers.authorization as string;
  }

  it('passes a chat completion through with a valid JWT in place of the key', async () => {
    const completion = await client.chat.completions.create({
      model: 'glm-4-plus',
      messages: [{ role: 'user', content: 'hello zhipu' }],
    });
    expect(completion.choices[0].message.content).toContain('hello zhipu');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].path).toBe('/api/paas/v4/chat/completions');
    expect(zhipuTokenProblem(sentToken(), ZHIPU_KEY)).toBeUndefined();
    const log = await lastLog();
    expect(log.model_name).toBe('glm-4-plus');
    expect(log.prompt_tokens).toBe(completion.usage?.prompt_tokens);
    expect(log.completion_tokens).toBe(completion.usage?.completion_tokens);
    expect(log.quota).toBeGreaterThan(0);
  });

  it('streams, and bills the streamed usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'glm-4-plus',
      messages: [{ role: 'user', content: 'stream from zhipu' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain('stream from zhipu');
    expect(zhipuTokenProblem(sentToken(), ZHIPU_KEY)).toBeUndefined();
    const log = await lastLog();
    expect(log.is_stream).toBe(true);
    expect(log.completion_tokens).toBe(usage?.completion_tokens);
  });

  it('converts a Responses request and signs that call too', async () => {
    const response = await client.responses.create({ model: 'glm-4-plus', input: 'responses to zhipu' });
    expect(response.output_text).toContain('responses to zhipu');
    expect(fake.requests[0].path).toBe('/api/paas/v4/chat/completions');
    expect(zhipuTokenProblem(sentToken(), ZHIPU_KEY)).toBeUndefined();
    expect((await lastLog()).completion_tokens).toBe(response.usage?.output_tokens);
  });

  it('relays embeddings to /api/paas/v4/embeddings', async () => {
    const result = await client.embeddings.create({ model: 'embedding-3', input: 'vector me' });
    expect(result.data[0].embedding.length).toBeGreaterThan(0);
    expect(fake.requests[0].path).toBe('/api/paas/v4/embeddings');
    expect(zhipuTokenProblem(sentToken(), ZHIPU_KEY)).toBeUndefined();
    expect((await lastLog()).prompt_tokens).toBe(result.usage.prompt_tokens);
  });

  it('signs image generation calls (media relay) with the JWT too', async () => {
    const image = await client.images.generate({ model: 'cogview-3-plus', prompt: 'a red panda' });
    expect(image.data?.[0]?.url).toMatch(/^https:\/\/aigc-files\.bigmodel\.cn\//);
    expect(fake.requests[0].path).toBe('/api/paas/v4/images/generations');
    expect(zhipuTokenProblem(sentToken(), ZHIPU_KEY)).toBeUndefined();
  });

  it('a channel with the wrong secret is refused upstream and the caller sees a gateway error', async () => {
    const id = await createChannel(root, {
      type: 16,
      name: 'zhipu-bad',
      key: 'f3a9c1d2e4b5.wrong-secret',
      base_url: fake.url,
      models: 'glm-4-bad',
    });
    expect(id).toBeGreaterThan(0);
    await expect(
      client.chat.completions.create({ model: 'glm-4-bad', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(fake.requests[0].headers.authorization).toBeDefined();
    expect(zhipuTokenProblem(sentToken(), ZHIPU_KEY)).toBe('bad signature');
  });
});
