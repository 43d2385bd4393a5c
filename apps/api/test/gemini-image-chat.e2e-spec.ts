import OpenAI from 'openai';
import {
  FAKE_PNG_BASE64,
  FakeProvider,
  GEMINI_OUTPUT_IMAGE_TOKENS,
  startFakeGemini,
} from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey } from './relay-fixtures';

const DATA_URL = `data:image/png;base64,${FAKE_PNG_BASE64}`;

/** An assistant message / delta with OpenRouter's `images` (not in the openai SDK's types). */
type WithImages = { images?: Array<{ type: string; image_url: { url: string } }> };

/**
 * Images in chat answers: gemini-2.5-flash-image asked for IMAGE output answers `inlineData` parts, which reach a
 * /v1/chat/completions caller (the openai SDK) as `message.images` / `delta.images` data URLs — OpenRouter's
 * convention — and a /v1/responses caller as an `image_generation_call` item.
 */
describe('Gemini image output through /v1/chat/completions and /v1/responses', () => {
  let t: TestApp;
  let gemini: FakeProvider;
  let client: OpenAI;

  beforeAll(async () => {
    gemini = await startFakeGemini({ models: ['gemini-2.5-flash-image'] });
    t = await startTestApp();
    const root = await t.login('root', '123456');
    await createChannel(root, {
      type: 24,
      name: 'gemini image chat',
      base_url: gemini.url,
      models: 'gemini-2.5-flash-image',
    });
    const key = await createKey(root, { name: 'gemini-image-chat', unlimited_quota: true });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await gemini?.close();
  });
  beforeEach(() => gemini.clear());

  const sentModalities = () => {
    expect(gemini.requests).toHaveLength(1);
    return (gemini.requests[0].body as { generationConfig?: { responseModalities?: string[] } })
      .generationConfig?.responseModalities;
  };

  it('answers message.images with a data URL, and bills the image tokens', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemini-2.5-flash-image',
      messages: [{ role: 'user', content: 'draw a lighthouse' }],
      // OpenRouter's convention; the openai SDK types know only text and audio
      modalities: ['image', 'text'] as unknown as Array<'text'>,
    });
    expect(sentModalities()).toEqual(['TEXT', 'IMAGE']);
    const message = completion.choices[0].message as (typeof completion.choices)[0]['message'] & WithImages;
    expect(message.content).toContain('draw a lighthouse');
    expect(message.images).toEqual([{ type: 'image_url', image_url: { url: DATA_URL } }]);
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBeGreaterThan(GEMINI_OUTPUT_IMAGE_TOKENS);
  });

  it('streams the image as a delta with images', async () => {
    const stream = await client.chat.completions.create({
      model: 'gemini-2.5-flash-image',
      messages: [{ role: 'user', content: 'stream a lighthouse' }],
      modalities: ['image', 'text'] as unknown as Array<'text'>,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const images: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as
        | (OpenAI.Chat.ChatCompletionChunk.Choice.Delta & WithImages)
        | undefined;
      text += delta?.content ?? '';
      for (const image of delta?.images ?? []) images.push(image.image_url.url);
      usage = chunk.usage ?? usage;
    }
    expect(sentModalities()).toEqual(['TEXT', 'IMAGE']);
    expect(text).toContain('stream a lighthouse');
    expect(images).toEqual([DATA_URL]);
    expect(usage?.completion_tokens).toBeGreaterThan(GEMINI_OUTPUT_IMAGE_TOKENS);
  });

  it('asks for no image and answers none without modalities', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemini-2.5-flash-image',
      messages: [{ role: 'user', content: 'just words' }],
    });
    expect(sentModalities()).toBeUndefined();
    expect((completion.choices[0].message as WithImages).images).toBeUndefined();
  });

  it('answers a Responses caller with the image_generation tool an image_generation_call item', async () => {
    const response = await client.responses.create({
      model: 'gemini-2.5-flash-image',
      input: 'draw a lighthouse for responses',
      tools: [{ type: 'image_generation' }],
    });
    expect(sentModalities()).toEqual(['TEXT', 'IMAGE']);
    expect(response.output_text).toContain('draw a lighthouse for responses');
    const call = response.output.find((item) => item.type === 'image_generation_call');
    expect(call).toMatchObject({
      type: 'image_generation_call',
      status: 'completed',
      result: FAKE_PNG_BASE64,
    });
  });
});
