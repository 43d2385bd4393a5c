import OpenAI from 'openai';
import { FakeProvider, predictChatUsage, startFakeOpenAI } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const QUOTA_PER_USD = 500_000;

/** OpenAI's search models: tokens as their base model plus a fee per call by search_context_size. */
describe('web-search models: per-call fee', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let key: { id: number; key: string };
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      name: 'fake openai search',
      base_url: fake.url,
      models: 'gpt-4o-search-preview,gpt-4o-mini-search-preview,gpt-4o-mini',
    });
    key = await createKey(root, { name: 'search', remain_quota: 10_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  const remaining = async () => (await root.get(`/api/token/${key.id}`)).body.data.remain_quota as number;

  async function cost(call: () => Promise<unknown>): Promise<number> {
    await settled(t);
    const before = await remaining();
    await call();
    await settled(t);
    return before - (await remaining());
  }

  /** the token part: ceil((prompt × input + completion × output) USD per 1M × 500000) */
  const tokenQuota = (inputUsd: number, outputUsd: number) => {
    const usage = predictChatUsage(fake.requests[0].body as never);
    return Math.ceil(
      ((usage.prompt_tokens * inputUsd + usage.completion_tokens * outputUsd) / 1e6) * QUOTA_PER_USD - 1e-9,
    );
  };

  it.each([
    ['gpt-4o-search-preview', 'low', 30, [2.5, 10]],
    ['gpt-4o-search-preview', 'high', 50, [2.5, 10]],
    ['gpt-4o-mini-search-preview', 'medium', 27.5, [0.15, 0.6]],
  ] as const)(
    '%s with search_context_size %s: $%s per 1000 calls on top of the tokens',
    async (model, size, usd, [i, o]) => {
      const charged = await cost(() =>
        client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'What happened in the news today?' }],
          web_search_options: { search_context_size: size },
        }),
      );
      expect(charged).toBe(tokenQuota(i, o) + (usd / 1000) * QUOTA_PER_USD);
      const log = (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data[0];
      expect(log.content).toContain(`web search fee ${(usd / 1000) * QUOTA_PER_USD}`);
    },
  );

  it('medium is the default size; streamed calls pay the fee too', async () => {
    const charged = await cost(async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-search-preview',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        stream: true,
      });
      for await (const chunk of stream) void chunk;
    });
    expect(charged).toBe(tokenQuota(2.5, 10) + 17500);
  });

  it('holds the fee up front: a key that could pay the tokens but not the fee is refused before the call', async () => {
    // gpt-4o-search-preview: $50 per 1000 calls at "high" = 25000, $30 at "low" = 15000; 16 tokens cost a few units
    const tight = await createKey(root, { name: 'search-tight', remain_quota: 20_000 });
    const tightClient = new OpenAI({ apiKey: tight.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const call = (size: 'low' | 'high') =>
      tightClient.chat.completions.create({
        model: 'gpt-4o-search-preview',
        messages: [{ role: 'user', content: 'news?' }],
        max_tokens: 16,
        web_search_options: { search_context_size: size },
      });
    const refused = await call('high').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as InstanceType<typeof OpenAI.PermissionDeniedError>).code).toBe(
      'insufficient_token_quota',
    );
    expect(fake.requests).toHaveLength(0);
    await expect(call('low')).resolves.toMatchObject({ object: 'chat.completion' });
    expect(fake.requests).toHaveLength(1);
  });

  it('other models pay no fee', async () => {
    const charged = await cost(() =>
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hello' }],
      }),
    );
    expect(charged).toBe(tokenQuota(0.15, 0.6));
  });
});
