import OpenAI from 'openai';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

/** Model and vendor parameter rules on the passthrough path (the caller's own Chat body), with the openai SDK. */
describe('parameter rules through the gateway: o-series, DeepSeek, OpenRouter provider sort', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = await startTestApp({ env: { OPENROUTER_PROVIDER_SORT: 'price' } });
    root = await t.login('root', '123456');
    await createChannel(root, { type: 1, name: 'openai', base_url: fake.url, models: 'o3-mini,gpt-4o' });
    await createChannel(root, {
      type: 36,
      name: 'deepseek',
      base_url: fake.url,
      models: 'deepseek-reasoner',
    });
    await createChannel(root, {
      type: 20,
      name: 'openrouter',
      base_url: fake.url,
      models: 'deepseek/deepseek-r1',
    });
    const key = await createKey(root, { name: 'rules', remain_quota: 50_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  const sent = () => fake.requests.at(-1)!.body as Record<string, unknown>;

  it('o3-mini gets max_completion_tokens and no temperature; gpt-4o keeps what the caller sent', async () => {
    await client.chat.completions.create({
      model: 'o3-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.5,
    });
    expect(sent()).toMatchObject({ model: 'o3-mini', max_completion_tokens: 64 });
    expect(sent()).not.toHaveProperty('max_tokens');
    expect(sent()).not.toHaveProperty('temperature');
    expect(sent()).not.toHaveProperty('top_p');
    await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 64,
      temperature: 0.2,
    });
    expect(sent()).toMatchObject({ model: 'gpt-4o', max_tokens: 64, temperature: 0.2 });
  });

  it('deepseek-reasoner: reasoning_content sent back in history is removed', async () => {
    await client.chat.completions.create({
      model: 'deepseek-reasoner',
      messages: [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1', reasoning_content: 'my thoughts' } as never,
        { role: 'user', content: 'q2' },
      ],
    });
    expect((sent().messages as Array<Record<string, unknown>>)[1]).toEqual({
      role: 'assistant',
      content: 'a1',
    });
  });

  it('OpenRouter gets provider.sort from OPENROUTER_PROVIDER_SORT and reasoning in its own object', async () => {
    await client.chat.completions.create({
      model: 'deepseek/deepseek-r1',
      messages: [{ role: 'user', content: 'hi' }],
      reasoning_effort: 'high',
    });
    expect(sent()).toMatchObject({ provider: { sort: 'price' }, reasoning: { effort: 'high' } });
    expect(sent()).not.toHaveProperty('reasoning_effort');
    expect(fake.requests.at(-1)!.headers['x-title']).toBe('One API');
  });
});
