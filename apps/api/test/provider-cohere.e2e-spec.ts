import OpenAI from 'openai';
import {
  COHERE_EMBED_DIMENSIONS,
  type FakeProvider,
  predictCohereUsage,
  startFakeCohere,
} from '@one-api/llm-testing';
import { startTestApp, type TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

/**
 * A Cohere (35) channel behind the gateway, called with the official openai SDK: a streamed tool call (v2 chat SSE
 * → chat chunks) and embeddings through /v2/embed, each settling one consume log billed with Cohere's billed units.
 * (The regression matrix covers every caller format against Cohere without an SDK.)
 */
describe('Cohere channel through the openai SDK', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let client: OpenAI;
  let channelId: number;

  beforeAll(async () => {
    fake = await startFakeCohere({ apiKey: 'co-e2e' });
    t = await startTestApp();
    root = await t.login('root', '123456');
    channelId = await createChannel(root, {
      type: 35,
      name: 'fake cohere',
      key: 'co-e2e',
      base_url: fake.url,
      models: 'command-a-03-2025,embed-v4.0',
    });
    const key = await createKey(root, { name: 'cohere', remain_quota: 10_000_000 });
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

  it('streams a forced tool call: tool plan, call and arguments in chunks; billed units settled', async () => {
    const stream = await client.chat.completions.create({
      model: 'command-a-03-2025',
      messages: [{ role: 'user', content: 'What is the weather in Toronto?' }],
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
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stream: true,
      stream_options: { include_usage: true },
    });
    let name = '';
    let args = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta?.tool_calls?.[0];
      name += call?.function?.name ?? '';
      args += call?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ location: expect.any(String) });
    expect(finish).toBe('tool_calls');
    const sent = fake.requests[0];
    expect(sent.path).toBe('/v2/chat');
    expect(sent.body).toMatchObject({ stream: true, tool_choice: 'REQUIRED' });
    const billed = predictCohereUsage(sent.body);
    expect(usage).toMatchObject({ prompt_tokens: billed.input, completion_tokens: billed.output });
    const log = await lastLog();
    expect(log).toMatchObject({
      channel: channelId,
      model_name: 'command-a-03-2025',
      is_stream: true,
      prompt_tokens: billed.input,
      completion_tokens: billed.output,
    });
    expect(log.quota).toBeGreaterThan(0);
  });

  it('embeds through /v2/embed with an input type, billed by its input tokens', async () => {
    const answer = await client.embeddings.create({ model: 'embed-v4.0', input: 'hello world' });
    expect(answer.data).toHaveLength(1);
    expect(answer.data[0].embedding).toHaveLength(COHERE_EMBED_DIMENSIONS);
    expect(fake.requests[0].body).toEqual({
      model: 'embed-v4.0',
      texts: ['hello world'],
      input_type: 'search_document',
      embedding_types: ['float'],
    });
    expect(answer.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const log = await lastLog();
    expect(log).toMatchObject({ model_name: 'embed-v4.0', prompt_tokens: 3, completion_tokens: 0 });
  });
});
