import OpenAI from 'openai';
import {
  DASHSCOPE_EMBEDDINGS_PATH,
  DASHSCOPE_GENERATION_PATH,
  FakeProvider,
  startFakeAli,
} from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

describe('Ali DashScope channel (type 17): native text generation through the gateway', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeAli({ apiKey: 'sk-dashscope-test' });
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 17,
      name: 'dashscope',
      key: 'sk-dashscope-test',
      base_url: fake.url,
      models: 'qwen-plus,text-embedding-v4',
      config: JSON.stringify({ plugin: '{"pdf_extracter":{}}' }),
    });
    const key = await createKey(root, { name: 'ali', remain_quota: 50_000_000 });
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

  it('converts a chat completion to the native generation call and bills its usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'qwen-plus',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello dashscope' },
      ],
      max_tokens: 100,
    });
    expect(completion.choices[0].message.content).toContain('hello dashscope');
    const sent = fake.requests[0];
    expect(sent.path).toBe(DASHSCOPE_GENERATION_PATH);
    expect(sent.headers['x-dashscope-plugin']).toBe('{"pdf_extracter":{}}');
    expect(sent.body).toMatchObject({
      model: 'qwen-plus',
      input: {
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hello dashscope' },
        ],
      },
      parameters: { result_format: 'message', max_tokens: 100 },
    });
    const log = await lastLog();
    expect(log.model_name).toBe('qwen-plus');
    expect(log.prompt_tokens).toBe(completion.usage?.prompt_tokens);
    expect(log.completion_tokens).toBe(completion.usage?.completion_tokens);
    expect(log.prompt_tokens).toBeGreaterThan(0);
    expect(log.quota).toBeGreaterThan(0);
  });

  it('streams through X-DashScope-SSE with incremental output', async () => {
    const stream = await client.chat.completions.create({
      model: 'qwen-plus',
      messages: [{ role: 'user', content: 'stream from dashscope please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain('stream from dashscope please');
    const sent = fake.requests[0];
    expect(sent.headers['x-dashscope-sse']).toBe('enable');
    expect(sent.body).toMatchObject({ parameters: { incremental_output: true } });
    const log = await lastLog();
    expect(log.is_stream).toBe(true);
    expect(log.completion_tokens).toBe(usage?.completion_tokens);
    expect(log.completion_tokens).toBeGreaterThan(0);
  });

  it('relays embeddings to the native text-embedding API and answers in OpenAI shape', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-v4',
      input: ['first text', 'second text'],
      dimensions: 64,
    });
    expect(result.data.map((d) => d.index)).toEqual([0, 1]);
    expect(result.data[0].embedding).toHaveLength(64);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
    expect(fake.requests[0].path).toBe(DASHSCOPE_EMBEDDINGS_PATH);
    expect(fake.requests[0].body).toEqual({
      model: 'text-embedding-v4',
      input: { texts: ['first text', 'second text'] },
      parameters: { dimension: 64 },
    });
    const log = await lastLog();
    expect(log.model_name).toBe('text-embedding-v4');
    expect(log.prompt_tokens).toBe(result.usage.prompt_tokens);
  });

  it('a wrong channel key surfaces as a gateway error with a log row', async () => {
    await createChannel(root, {
      type: 17,
      name: 'dashscope-bad',
      key: 'sk-wrong',
      base_url: fake.url,
      models: 'qwen-bad',
    });
    await expect(
      client.chat.completions.create({ model: 'qwen-bad', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
    const log = await lastLog();
    expect(log.model_name).toBe('qwen-bad');
    expect(log.quota).toBe(0);
  });
});
