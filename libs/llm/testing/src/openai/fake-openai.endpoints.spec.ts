import OpenAI from 'openai';
import type { Completion } from 'openai/resources/completions';
import type { FakeProvider } from '../core/fake-server';
import { fakeEmbedding } from './embeddings';
import { startFakeOpenAI } from './fake-openai';
import { DEFAULT_FAKE_MODELS } from './models';

describe('fake OpenAI: completions, embeddings, moderations, models', () => {
  let fake: FakeProvider;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => fake.close());

  describe('POST /v1/completions', () => {
    it('answers a text_completion with usage', async () => {
      const res = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Once upon' });
      expect(res.object).toBe('text_completion');
      expect(res.id).toMatch(/^cmpl-/);
      expect(res.choices).toEqual([
        {
          text: 'Hello! This is fake-openai completing: Once upon',
          index: 0,
          logprobs: null,
          finish_reason: 'stop',
        },
      ]);
      // "Once upon" = 9 chars → 3 tokens; the 48-character answer → 12 tokens.
      expect(res.usage).toEqual({ prompt_tokens: 3, completion_tokens: 12, total_tokens: 15 });
    });

    it('answers one choice per prompt and counts token-array prompts by length', async () => {
      const res = await client.completions.create({ model: 'm', prompt: ['a', 'bb'], max_tokens: 2 });
      expect(res.choices.map((c) => [c.index, c.text, c.finish_reason])).toEqual([
        [0, 'Hello! T', 'length'],
        [1, 'Hello! T', 'length'],
      ]);
      expect(res.usage).toEqual({ prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });
      const tokens = await client.completions.create({ model: 'm', prompt: [1, 2, 3, 4, 5] });
      expect(tokens.usage?.prompt_tokens).toBe(5);
      expect(tokens.choices[0].text).toBe('Hello! This is fake-openai completing: [5 tokens]');
    });

    it('streams text_completion chunks with a usage chunk', async () => {
      const stream = await client.completions.create({
        model: 'gpt-3.5-turbo-instruct',
        prompt: 'Once upon',
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: Completion[] = [];
      for await (const c of stream) chunks.push(c);
      const last = chunks[chunks.length - 1];
      expect(last.choices).toEqual([]);
      expect(last.usage).toEqual({ prompt_tokens: 3, completion_tokens: 12, total_tokens: 15 });
      expect(chunks.every((c) => c.object === 'text_completion')).toBe(true);
      expect(
        chunks
          .slice(0, -1)
          .map((c) => c.choices[0].text)
          .join(''),
      ).toBe('Hello! This is fake-openai completing: Once upon');
      expect(chunks[chunks.length - 2].choices[0].finish_reason).toBe('stop');
    });
  });

  describe('POST /v1/embeddings', () => {
    it('returns float vectors with usage (encoding_format float)', async () => {
      const res = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: ['hello world', 'second input'],
        encoding_format: 'float',
      });
      expect(res.object).toBe('list');
      expect(res.model).toBe('text-embedding-3-small');
      expect(res.data.map((d) => [d.object, d.index, d.embedding.length])).toEqual([
        ['embedding', 0, 1536],
        ['embedding', 1, 1536],
      ]);
      // 11 chars → 3 tokens, 12 chars → 3 tokens.
      expect(res.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
      const norm = Math.sqrt(res.data[0].embedding.reduce((s, x) => s + x * x, 0));
      expect(norm).toBeCloseTo(1, 5);
      expect(res.data[0].embedding).not.toEqual(res.data[1].embedding);
      const again = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: 'hello world',
        encoding_format: 'float',
      });
      expect(again.data[0].embedding).toEqual(res.data[0].embedding);
    });

    it('returns base64 float32 vectors (encoding_format base64) and honours dimensions', async () => {
      const res = await fetch(`${fake.url}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'text-embedding-3-large',
          input: 'hi',
          encoding_format: 'base64',
          dimensions: 8,
        }),
      });
      const body = (await res.json()) as { data: Array<{ embedding: string }> };
      expect(typeof body.data[0].embedding).toBe('string');
      const bytes = Buffer.from(body.data[0].embedding, 'base64');
      expect(bytes.length).toBe(8 * 4);
      const decoded = Array.from({ length: 8 }, (_, i) => bytes.readFloatLE(i * 4));
      expect(decoded).toEqual(Array.from(fakeEmbedding('hi', 'text-embedding-3-large', 8)));
    });

    it('works with the SDK default (it asks for base64 and decodes)', async () => {
      const res = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'hello' });
      expect(res.data[0].embedding).toHaveLength(3072);
      expect(Array.from(res.data[0].embedding)).toEqual(
        Array.from(fakeEmbedding('hello', 'text-embedding-3-large', 3072)),
      );
      const sent = fake.requests[fake.requests.length - 1].body as { encoding_format?: string };
      expect(sent.encoding_format).toBe('base64');
    });

    it('rejects a missing input with 400', async () => {
      await expect(
        client.embeddings.create({ model: 'text-embedding-3-small' } as never),
      ).rejects.toMatchObject({
        status: 400,
        param: 'input',
      });
    });
  });

  describe('POST /v1/moderations', () => {
    it('flags trigger words and passes other text', async () => {
      const res = await client.moderations.create({ input: ['I will kill the process', 'lovely day'] });
      expect(res.id).toMatch(/^modr-/);
      expect(res.model).toBe('omni-moderation-latest');
      expect(res.results).toHaveLength(2);
      expect(res.results[0].flagged).toBe(true);
      expect(res.results[0].categories.violence).toBe(true);
      expect(res.results[0].category_scores.violence).toBeGreaterThan(0.5);
      expect(res.results[1].flagged).toBe(false);
      expect(Object.values(res.results[1].categories).every((v) => v === false)).toBe(true);
      expect(res.results[1].category_applied_input_types.violence).toEqual(['text']);
      expect(Object.keys(res.results[1].categories)).toHaveLength(13);
    });
  });

  describe('models', () => {
    it('lists the models', async () => {
      const page = await client.models.list();
      expect(page.data.map((m) => m.id)).toEqual([...DEFAULT_FAKE_MODELS]);
      expect(page.data[0]).toEqual({
        id: 'gpt-4o',
        object: 'model',
        created: 1_700_000_000,
        owned_by: 'openai',
      });
    });

    it('retrieves one model and 404s model_not_found for an unknown one', async () => {
      expect(await client.models.retrieve('gpt-4o-mini')).toMatchObject({
        id: 'gpt-4o-mini',
        object: 'model',
      });
      const missing = client.models.retrieve('no-such-model');
      await expect(missing).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      await expect(missing).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    });

    it('lists a custom model set', async () => {
      const custom = await startFakeOpenAI({ models: ['alpha', 'beta'] });
      try {
        const c = new OpenAI({ apiKey: 'k', baseURL: `${custom.url}/v1`, maxRetries: 0 });
        expect((await c.models.list()).data.map((m) => m.id)).toEqual(['alpha', 'beta']);
      } finally {
        await custom.close();
      }
    });
  });
});
