import OpenAI from 'openai';
import {
  DEFAULT_GEMINI_MODELS,
  FAKE_PNG_BASE64,
  FakeProvider,
  GEMINI_OUTPUT_IMAGE_TOKENS,
  predictGeminiUsage,
  startFakeGemini,
} from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const QUOTA_PER_USD = 500_000;

/** gemini-2.5-flash-image on a Gemini channel: images come back as inlineData parts of generateContent. */
describe('images from Gemini (gemini-2.5-flash-image)', () => {
  let t: TestApp;
  let gemini: FakeProvider;
  let root: Agent;
  let key: { id: number; key: string };
  let client: OpenAI;

  beforeAll(async () => {
    gemini = await startFakeGemini({ models: [...DEFAULT_GEMINI_MODELS, 'gemini-2.5-flash-image'] });
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 24,
      name: 'fake gemini images',
      base_url: gemini.url,
      models: 'gemini-2.5-flash-image',
    });
    key = await createKey(root, { name: 'gemini-images', remain_quota: 10_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await gemini?.close();
  });

  const remaining = async () => (await root.get(`/api/token/${key.id}`)).body.data.remain_quota as number;

  it('answers in OpenAI images shape and bills the token buckets ($0.30 in, $2.50 text out, $30 image out per 1M)', async () => {
    await settled(t);
    const before = await remaining();
    const images = await client.images.generate({
      model: 'gemini-2.5-flash-image',
      prompt: 'a watercolor fox',
    });
    await settled(t);
    const cost = before - (await remaining());

    const sent = gemini.requests[0];
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    const body = sent.body as { generationConfig: { responseModalities: string[] } };
    expect(body.generationConfig.responseModalities).toEqual(['TEXT', 'IMAGE']);
    expect(images.data).toHaveLength(1);
    expect(images.data![0].b64_json).toBe(FAKE_PNG_BASE64);

    const usage = predictGeminiUsage(body, { model: 'gemini-2.5-flash-image' }) as {
      promptTokenCount: number;
      candidatesTokenCount: number;
    };
    const textOut = usage.candidatesTokenCount - GEMINI_OUTPUT_IMAGE_TOKENS;
    expect(images.usage).toMatchObject({
      input_tokens: usage.promptTokenCount,
      output_tokens: usage.candidatesTokenCount,
    });
    expect(cost).toBe(
      Math.ceil(
        ((usage.promptTokenCount * 0.3 + textOut * 2.5 + GEMINI_OUTPUT_IMAGE_TOKENS * 30) / 1e6) *
          QUOTA_PER_USD,
      ),
    );
  });
});
