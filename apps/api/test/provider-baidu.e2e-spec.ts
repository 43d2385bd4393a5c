import OpenAI from 'openai';
import {
  ERNIE_CHAT_PREFIX,
  ERNIE_EMBEDDINGS_PREFIX,
  FakeProvider,
  startFakeBaidu,
} from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

describe('Baidu ERNIE channel (type 15): token exchange and wenxinworkshop chat through the gateway', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeBaidu({ apiKey: 'ak-123', secretKey: 'sk-456' });
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 15,
      name: 'ernie',
      key: 'ak-123|sk-456',
      base_url: fake.url,
      models: 'ERNIE-4.0-8K,ERNIE-Speed-8K,Embedding-V1,bge-large-zh',
    });
    const key = await createKey(root, { name: 'baidu', remain_quota: 50_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  async function lastLog() {
    await settled(t);
    return (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data[0];
  }
  const tokenCalls = () => fake.requests.filter((r) => r.path === '/oauth/2.0/token');
  const chatCalls = () => fake.requests.filter((r) => r.path.startsWith(ERNIE_CHAT_PREFIX));

  it('exchanges AK|SK once and calls the model endpoint with the access token', async () => {
    fake.reset();
    const completion = await client.chat.completions.create({
      model: 'ERNIE-4.0-8K',
      messages: [
        { role: 'system', content: 'answer briefly' },
        { role: 'user', content: 'hello ernie' },
      ],
    });
    expect(completion.choices[0].message.content).toContain('hello ernie');
    expect(tokenCalls()).toHaveLength(1);
    expect(tokenCalls()[0].url).toContain('client_id=ak-123');
    const call = chatCalls()[0];
    expect(call.path).toBe(`${ERNIE_CHAT_PREFIX}completions_pro`);
    expect(call.url).toMatch(/access_token=24\./);
    expect(call.body).toMatchObject({
      system: 'answer briefly',
      messages: [{ role: 'user', content: 'hello ernie' }],
    });
    const log = await lastLog();
    expect(log.model_name).toBe('ERNIE-4.0-8K');
    expect(log.prompt_tokens).toBe(completion.usage?.prompt_tokens);
    expect(log.completion_tokens).toBe(completion.usage?.completion_tokens);
    expect(log.quota).toBeGreaterThan(0);
  });

  it('streams with the cached token (no second exchange)', async () => {
    fake.clear();
    const stream = await client.chat.completions.create({
      model: 'ERNIE-Speed-8K',
      messages: [{ role: 'user', content: 'stream from ernie' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain('stream from ernie');
    expect(tokenCalls()).toHaveLength(0);
    expect(chatCalls()[0].path).toBe(`${ERNIE_CHAT_PREFIX}ernie_speed`);
    const log = await lastLog();
    expect(log.is_stream).toBe(true);
    expect(log.completion_tokens).toBe(usage?.completion_tokens);
  });

  it('relays embeddings to the model endpoint with the access token, answered in OpenAI shape', async () => {
    fake.clear();
    const result = await client.embeddings.create({ model: 'bge-large-zh', input: 'vector me' });
    expect(result.data).toHaveLength(1);
    expect(result.data[0].embedding).toHaveLength(384);
    const call = fake.requests.find((r) => r.path.startsWith(ERNIE_EMBEDDINGS_PREFIX))!;
    expect(call.path).toBe(`${ERNIE_EMBEDDINGS_PREFIX}bge_large_zh`);
    expect(call.url).toMatch(/access_token=24\./);
    expect(call.body).toEqual({ input: ['vector me'] });
    const log = await lastLog();
    expect(log.prompt_tokens).toBe(result.usage.prompt_tokens);
  });

  it('a channel whose secret key is refused fails before any chat call', async () => {
    fake.clear();
    await createChannel(root, {
      type: 15,
      name: 'ernie-bad',
      key: 'ak-123|wrong',
      base_url: fake.url,
      models: 'ERNIE-Bad',
    });
    await expect(
      client.chat.completions.create({ model: 'ERNIE-Bad', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(tokenCalls()).toHaveLength(1);
    expect(chatCalls()).toHaveLength(0);
    const log = await lastLog();
    expect(log.model_name).toBe('ERNIE-Bad');
    expect(log.quota).toBe(0);
  });
});
