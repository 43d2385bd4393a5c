import OpenAI from 'openai';
import { type FakeProvider, predictOllamaUsage, startFakeOllama } from '@one-api/llm-testing';
import { startTestApp, type TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

/**
 * An Ollama (30) channel behind the gateway, called with the official openai SDK: the native `/api/chat` request the
 * fake Ollama received, its NDJSON stream turned into Chat Completions chunks, and one consume log billed with
 * Ollama's own counts (prompt_eval_count / eval_count), charged to the key.
 */
describe('Ollama channel through /v1/chat/completions', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let key: { id: number; key: string };
  let client: OpenAI;
  let channelId: number;

  beforeAll(async () => {
    fake = await startFakeOllama({ apiKey: 'ollama-proxy-key', models: ['llama3.2'] });
    t = await startTestApp();
    root = await t.login('root', '123456');
    channelId = await createChannel(root, {
      type: 30,
      name: 'fake ollama',
      key: 'ollama-proxy-key',
      base_url: fake.url,
      models: 'llama3.2,local-llama',
      model_mapping: JSON.stringify({ 'local-llama': 'llama3.2' }),
    });
    key = await createKey(root, { name: 'ollama', remain_quota: 10_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  async function lastLog() {
    await settled(t);
    const res = await root.get('/api/log/').query({ type: 2, size: 1 });
    return res.body.data[0];
  }

  const token = async () => (await root.get(`/api/token/${key.id}`)).body.data;

  it('streams the NDJSON answer as chat chunks with usage, and bills Ollama counts once', async () => {
    const before = await token();
    const stream = await client.chat.completions.create({
      model: 'local-llama',
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'Stream a short answer please.' },
      ],
      max_tokens: 200,
      temperature: 0.4,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello! This is fake-ollama answering: Stream a short answer please.');
    expect(chunks).toBeGreaterThan(3);
    expect(finish).toBe('stop');

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0];
    expect(sent.path).toBe('/api/chat');
    expect(sent.headers.authorization).toBe('Bearer ollama-proxy-key');
    expect(sent.body).toEqual({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'Stream a short answer please.' },
      ],
      stream: true,
      options: { temperature: 0.4, num_predict: 200 },
    });

    const counts = predictOllamaUsage(sent.body);
    expect(usage).toMatchObject({ prompt_tokens: counts.input, completion_tokens: counts.output });
    const log = await lastLog();
    expect(log).toMatchObject({
      type: 2,
      channel: channelId,
      model_name: 'llama3.2',
      is_stream: true,
      prompt_tokens: counts.input,
      completion_tokens: counts.output,
      token_name: 'ollama',
    });
    expect(log.quota).toBeGreaterThan(0);
    const after = await token();
    expect(after.used_quota - before.used_quota).toBe(log.quota);
    expect(before.remain_quota - after.remain_quota).toBe(log.quota);
  });

  it('answers a non-stream request (stream:false sent explicitly) with a tool call', async () => {
    const completion = await client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: {
              type: 'object',
              properties: { location: { type: 'string' } },
              required: ['location'],
            },
          },
        },
      ],
    });
    const call = completion.choices[0].message.tool_calls?.[0];
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(call?.id).toMatch(/^call_/);
    expect(JSON.parse((call as { function: { arguments: string } }).function.arguments)).toEqual({
      location: expect.any(String),
    });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    const sent = fake.requests[0].body as Record<string, unknown>;
    expect(sent.stream).toBe(false);
    const counts = predictOllamaUsage(sent);
    expect(completion.usage).toMatchObject({ prompt_tokens: counts.input, completion_tokens: counts.output });
    const log = await lastLog();
    expect(log).toMatchObject({
      is_stream: false,
      prompt_tokens: counts.input,
      completion_tokens: counts.output,
    });
  });

  it('reports a model the Ollama has not pulled as the provider said, logging no charge', async () => {
    await createChannel(root, {
      type: 30,
      name: 'fake ollama without the model',
      key: 'ollama-proxy-key',
      base_url: fake.url,
      models: 'qwen3',
    });
    const error = await client.chat.completions
      .create({ model: 'qwen3', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toContain('not found, try pulling it first');
    const log = await lastLog();
    expect(log).toMatchObject({ model_name: 'qwen3', quota: 0 });
  });

  it('serves /v1/embeddings through /api/embed (the SDK’s base64 answered too), billed by prompt_eval_count', async () => {
    await createChannel(root, {
      type: 30,
      name: 'fake ollama embeddings',
      key: 'ollama-proxy-key',
      base_url: fake.url,
      models: 'all-minilm',
    });
    const answer = await client.embeddings.create({
      model: 'all-minilm',
      input: ['first text', 'second one'],
    });
    expect(answer.data.map((d) => [d.index, d.embedding.length])).toEqual([
      [0, 384],
      [1, 384],
    ]);
    const sent = fake.requests.find((r) => r.path === '/api/embed')!;
    expect(sent.body).toEqual({ model: 'all-minilm', input: ['first text', 'second one'] });
    expect(answer.usage).toEqual({ prompt_tokens: 3 + 3, total_tokens: 6 });
    const log = await lastLog();
    expect(log).toMatchObject({ model_name: 'all-minilm', prompt_tokens: 6, completion_tokens: 0 });
    expect(log.quota).toBeGreaterThan(0);
  });
});
