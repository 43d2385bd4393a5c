import OpenAI from 'openai';
import {
  FAKE_PNG_BASE64,
  FAKE_VERTEX_TOKEN_PATH,
  type FakeVertex,
  startFakeVertex,
} from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

/** Imagen on a Vertex AI channel through /v1/images/generations: `:predict` with the service account's token. */
describe('images from Imagen on Vertex AI', () => {
  let t: TestApp;
  let vertex: FakeVertex;
  let root: Agent;
  let key: { id: number; key: string };
  let client: OpenAI;

  beforeAll(async () => {
    vertex = await startFakeVertex({ location: 'us-central1' });
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 42,
      name: 'fake vertex imagen',
      key: 'unused',
      base_url: vertex.url,
      models: 'imagen-4.0-generate-001,imagen-4.0-fast-generate-001',
      config: JSON.stringify({
        region: 'us-central1',
        vertex_ai_project_id: vertex.projectId,
        vertex_ai_adc: vertex.serviceAccount.text,
      }),
    });
    key = await createKey(root, { name: 'imagen', remain_quota: 10_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await vertex?.close();
  });

  const remaining = async () => (await root.get(`/api/token/${key.id}`)).body.data.remain_quota as number;

  it('imagen-4.0-generate-001: two images, $0.04 each, authorized with the service-account token', async () => {
    await settled(t);
    const before = await remaining();
    const images = await client.images.generate({
      model: 'imagen-4.0-generate-001',
      prompt: 'a lighthouse',
      n: 2,
      size: '1792x1024',
    });
    await settled(t);
    expect(images.data).toEqual([{ b64_json: FAKE_PNG_BASE64 }, { b64_json: FAKE_PNG_BASE64 }]);
    const calls = vertex.requests.filter((r) => r.path !== FAKE_VERTEX_TOKEN_PATH);
    expect(calls[0].path).toBe(
      `/v1/projects/${vertex.projectId}/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict`,
    );
    expect(String(calls[0].headers.authorization)).toMatch(/^Bearer /);
    expect(calls[0].body).toEqual({
      instances: [{ prompt: 'a lighthouse' }],
      parameters: { sampleCount: 2, aspectRatio: '16:9' },
    });
    expect(before - (await remaining())).toBe(2 * 20000);
  });

  it('imagen-4.0-fast: $0.02 per image', async () => {
    await settled(t);
    const before = await remaining();
    await client.images.generate({ model: 'imagen-4.0-fast-generate-001', prompt: 'a boat' });
    await settled(t);
    expect(before - (await remaining())).toBe(10000);
  });
});
