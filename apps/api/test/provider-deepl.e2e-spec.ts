import OpenAI from 'openai';
import { FakeProvider, fakeTranslation, startFakeDeepl } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

describe('DeepL channel (type 38): translation as chat through the gateway', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeDeepl({ authKey: 'deepl-key:fx' });
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 38,
      name: 'deepl',
      key: 'deepl-key:fx',
      base_url: fake.url,
      models: 'deepl-zh,deepl-ja,deepl',
    });
    const key = await createKey(root, { name: 'deepl', remain_quota: 50_000_000 });
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

  it('translates the last user message into the language the model names', async () => {
    const completion = await client.chat.completions.create({
      model: 'deepl-zh',
      messages: [{ role: 'user', content: 'Good morning, how are you?' }],
    });
    expect(completion.choices[0].message.content).toBe(fakeTranslation('Good morning, how are you?', 'ZH'));
    expect(fake.requests[0].headers.authorization).toBe('DeepL-Auth-Key deepl-key:fx');
    expect(fake.requests[0].body).toEqual({ text: ['Good morning, how are you?'], target_lang: 'ZH' });
    const log = await lastLog();
    expect(log.model_name).toBe('deepl-zh');
    expect(log.prompt_tokens).toBeGreaterThan(0);
    expect(log.completion_tokens).toBeGreaterThan(0);
    expect(log.prompt_tokens).toBe(completion.usage?.prompt_tokens);
    expect(log.completion_tokens).toBe(completion.usage?.completion_tokens);
  });

  it('streams the translation as one delta', async () => {
    const stream = await client.chat.completions.create({
      model: 'deepl-ja',
      messages: [{ role: 'user', content: 'Thank you very much' }],
      stream: true,
    });
    const deltas: string[] = [];
    for await (const chunk of stream)
      if (chunk.choices[0]?.delta?.content) deltas.push(chunk.choices[0].delta.content);
    expect(deltas).toEqual([fakeTranslation('Thank you very much', 'JA')]);
    const log = await lastLog();
    expect(log.is_stream).toBe(true);
    expect(log.completion_tokens).toBeGreaterThan(0);
  });

  it('a model without a language is the caller’s error (400) and nothing reaches DeepL', async () => {
    const error = await client.chat.completions
      .create({ model: 'deepl', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(fake.requests).toHaveLength(0);
  });
});
