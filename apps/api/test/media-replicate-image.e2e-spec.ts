import OpenAI from 'openai';
import { FakeProvider, REPLICATE_FAIL_TRIGGER, startFakeReplicate } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const QUOTA_PER_USD = 500_000;

/** flux on a Replicate channel through /v1/images/generations: a prediction with `Prefer: wait`, priced per image. */
describe('images from Replicate (flux)', () => {
  let t: TestApp;
  let replicate: FakeProvider;
  let root: Agent;
  let key: { id: number; key: string };
  let client: OpenAI;

  beforeAll(async () => {
    replicate = await startFakeReplicate();
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 46,
      name: 'fake replicate',
      base_url: `${replicate.url}/v1/models/`,
      models: 'black-forest-labs/flux-schnell,black-forest-labs/flux-1.1-pro',
    });
    key = await createKey(root, { name: 'flux', remain_quota: 10_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await replicate?.close();
  });

  beforeEach(() => replicate.reset());

  const remaining = async () => (await root.get(`/api/token/${key.id}`)).body.data.remain_quota as number;

  async function charged<T>(call: () => Promise<T>) {
    await settled(t);
    const before = await remaining();
    const result = await call().catch((error: unknown) => error);
    await settled(t);
    return { result, cost: before - (await remaining()) };
  }

  it('flux-schnell: n images as URLs, $0.003 each', async () => {
    const { result, cost } = await charged(() =>
      client.images.generate({
        model: 'black-forest-labs/flux-schnell',
        prompt: 'a red fox',
        n: 3,
        size: '1792x1024',
      }),
    );
    const images = result as OpenAI.ImagesResponse;
    expect(images.data).toHaveLength(3);
    expect(images.data![0].url).toMatch(/^https:\/\/replicate\.delivery\/fake\/.+\/out-0\.webp$/);
    const sent = replicate.requests[0];
    expect(sent.path).toBe('/v1/models/black-forest-labs/flux-schnell/predictions');
    expect(sent.headers.prefer).toBe('wait=60');
    expect(sent.body).toEqual({ input: { prompt: 'a red fox', num_outputs: 3, aspect_ratio: '16:9' } });
    expect(cost).toBe(3 * 1500); // 3 × $0.003 × 500000
  });

  it('flux-1.1-pro: $0.04 per image', async () => {
    const { cost } = await charged(() =>
      client.images.generate({ model: 'black-forest-labs/flux-1.1-pro', prompt: 'a calm lake' }),
    );
    expect(cost).toBe(0.04 * QUOTA_PER_USD);
  });

  it('a failed prediction is an upstream error and costs nothing', async () => {
    const { result, cost } = await charged(() =>
      client.images.generate({
        model: 'black-forest-labs/flux-schnell',
        prompt: `boom ${REPLICATE_FAIL_TRIGGER}`,
      }),
    );
    expect((result as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((result as Error).message).toMatch(/the image prediction failed/);
    expect(cost).toBe(0);
  });
});
