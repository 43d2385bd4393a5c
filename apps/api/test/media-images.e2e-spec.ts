import OpenAI, { toFile } from 'openai';
import {
  FAKE_INPUT_IMAGE_TOKENS,
  FAKE_PNG_BASE64,
  FakeProvider,
  startFakeOpenAI,
} from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

/** 1 USD = 500000 quota. */
const QUOTA_PER_USD = 500_000;

describe('images: /v1/images/generations, /edits, /variations', () => {
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
      name: 'fake openai images',
      base_url: fake.url,
      models: 'dall-e-2,dall-e-3,gpt-image-1,my-painter',
      model_mapping: '{"my-painter":"dall-e-3"}',
    });
    await createChannel(root, { type: 45, name: 'fake xai', base_url: fake.url, models: 'grok-2-image' });
    key = await createKey(root, { name: 'images', remain_quota: 10_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  const remaining = async () => (await root.get(`/api/token/${key.id}`)).body.data.remain_quota as number;
  const consumeLogs = async () =>
    (await root.get('/api/log/').query({ type: 2, size: 100 })).body.data as Array<{
      quota: number;
      model_name: string;
      request_id: string;
    }>;

  /** Runs `call` and returns what it cost the key and the consume logs it wrote. */
  async function charged<T>(call: () => Promise<T>) {
    await settled(t);
    const before = await remaining();
    const logsBefore = (await consumeLogs()).length;
    const result = await call().catch((error: unknown) => error);
    await settled(t);
    const logs = await consumeLogs();
    return { result, cost: before - (await remaining()), newLogs: logs.slice(0, logs.length - logsBefore) };
  }

  it('dall-e-3: $0.04 standard square, hd wide at ×2 × 1.5, charged and logged once', async () => {
    const square = await charged(() => client.images.generate({ model: 'dall-e-3', prompt: 'a red fox' }));
    const images = square.result as OpenAI.ImagesResponse;
    expect(images.data![0].url).toMatch(/^https:\/\/fake-openai\.invalid\/images\//);
    expect(images.data![0].revised_prompt).toBe('A picture of a red fox');
    expect(square.cost).toBe(0.04 * QUOTA_PER_USD); // 20000
    expect(square.newLogs).toHaveLength(1);
    expect(square.newLogs[0]).toMatchObject({ quota: 20000, model_name: 'dall-e-3' });
    expect(fake.requests[0].path).toBe('/v1/images/generations');
    expect(fake.requests[0].headers.authorization).toBe('Bearer fake-upstream-key');

    const wide = await charged(() =>
      client.images.generate({ model: 'dall-e-3', prompt: 'a red fox', size: '1792x1024', quality: 'hd' }),
    );
    expect(wide.cost).toBe(0.04 * 2 * 1.5 * QUOTA_PER_USD); // 60000 = $0.12
  });

  it('dall-e-2 is the default model: $0.02 × 1.125 per 512px image, n images', async () => {
    const res = await charged(() =>
      t.http
        .post('/v1/images/generations')
        .set('Authorization', `Bearer ${key.key}`)
        .send({ prompt: 'two cats', n: 2, size: '512x512', response_format: 'b64_json' }),
    );
    const body = (res.result as { status: number; body: { data: Array<{ b64_json: string }> } }).body;
    expect(body.data).toHaveLength(2);
    expect(body.data[0].b64_json).toBe(FAKE_PNG_BASE64);
    expect((fake.requests[0].body as { model: string }).model).toBe('dall-e-2');
    expect(res.cost).toBe(11250 * 2);
    expect(res.newLogs[0].model_name).toBe('dall-e-2');
  });

  it('maps the model and prices the mapped one', async () => {
    const res = await charged(() => client.images.generate({ model: 'my-painter', prompt: 'a boat' }));
    expect((fake.requests[0].body as { model: string }).model).toBe('dall-e-3');
    expect(res.cost).toBe(20000);
  });

  it('gpt-image-1 is settled from its usage token buckets', async () => {
    const prompt = 'a lighthouse at dawn'; // 20 characters: 5 text tokens in the fake
    const res = await charged(() =>
      client.images.generate({ model: 'gpt-image-1', prompt, quality: 'low', size: '1024x1024' }),
    );
    const images = res.result as OpenAI.ImagesResponse;
    expect(images.usage).toEqual({
      total_tokens: 5 + 272,
      input_tokens: 5,
      output_tokens: 272,
      input_tokens_details: { text_tokens: 5, image_tokens: 0 },
    });
    // text $5 and image output $40 per 1M tokens
    expect(res.cost).toBe(Math.ceil(((5 * 5 + 272 * 40) / 1e6) * QUOTA_PER_USD)); // 5453
  });

  it('grok-2-image through an xAI channel: $0.07 per image', async () => {
    const res = await charged(() =>
      client.images.generate({ model: 'grok-2-image', prompt: 'a robot', n: 2 }),
    );
    expect((res.result as OpenAI.ImagesResponse).data).toHaveLength(2);
    expect(res.cost).toBe(0.07 * 2 * QUOTA_PER_USD);
  });

  it('refuses a size the model does not offer, before any upstream call and for free', async () => {
    const res = await charged(() =>
      client.images.generate({ model: 'dall-e-3', prompt: 'x', size: '256x256' as '1024x1024' }),
    );
    expect(res.result).toBeInstanceOf(OpenAI.BadRequestError);
    expect((res.result as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('size');
    expect(fake.requests).toHaveLength(0);
    expect(res.cost).toBe(0);
  });

  it('gives the hold back when the provider fails, with one log row', async () => {
    fake.failNext(1, '500');
    const res = await charged(() => client.images.generate({ model: 'dall-e-3', prompt: 'a red fox' }));
    expect(res.result).toBeInstanceOf(OpenAI.InternalServerError);
    expect(res.cost).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(res.newLogs).toHaveLength(1);
    expect(res.newLogs[0]).toMatchObject({ quota: 0, model_name: 'dall-e-3' });
  });

  it('edits images (multipart, gpt-image-1 with its image-token usage)', async () => {
    const prompt = 'add a hat'; // 9 characters: 3 tokens
    const png = Buffer.from(FAKE_PNG_BASE64, 'base64');
    const files = [
      await toFile(png, 'a.png', { type: 'image/png' }),
      await toFile(png, 'b.png', { type: 'image/png' }),
    ];
    const res = await charged(() =>
      client.images.edit({
        model: 'gpt-image-1',
        prompt,
        image: files,
        quality: 'medium',
        size: '1024x1536',
      }),
    );
    const images = res.result as OpenAI.ImagesResponse;
    if (!images.data) throw res.result;
    expect(images.data[0].b64_json).toBe(FAKE_PNG_BASE64);
    const imageTokens = 2 * FAKE_INPUT_IMAGE_TOKENS;
    expect(images.usage!.input_tokens_details).toEqual({ text_tokens: 3, image_tokens: imageTokens });
    expect(images.usage!.output_tokens).toBe(1584);
    // text $5, image input $10, image output $40 per 1M tokens
    expect(res.cost).toBe(Math.ceil(((3 * 5 + imageTokens * 10 + 1584 * 40) / 1e6) * QUOTA_PER_USD));
    const sent = fake.requests[0];
    expect(sent.path).toBe('/v1/images/edits');
    expect(String(sent.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('edits with dall-e-2 bill per image by size', async () => {
    const image = await toFile(Buffer.from(FAKE_PNG_BASE64, 'base64'), 'a.png', { type: 'image/png' });
    const res = await charged(() =>
      client.images.edit({
        model: 'dall-e-2',
        prompt: 'add a hat',
        image,
        size: '256x256',
      }),
    );
    expect((res.result as OpenAI.ImagesResponse).data).toHaveLength(1);
    expect(res.cost).toBe(0.02 * QUOTA_PER_USD);
  });

  it('variations answer 501 in OpenAI error JSON', async () => {
    const res = await t.http
      .post('/v1/images/variations')
      .set('Authorization', `Bearer ${key.key}`)
      .attach('image', Buffer.from(FAKE_PNG_BASE64, 'base64'), 'a.png');
    expect(res.status).toBe(501);
    expect(res.body.error).toMatchObject({ type: 'one_api_error', code: 'api_not_implemented', param: null });
    expect(res.body.error.message).toMatch(/^API not implemented \(request id: \d+\)$/);
    expect(fake.requests).toHaveLength(0);
  });
});
