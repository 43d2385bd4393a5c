import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { FakeProvider, startFakeGemini, startFakeOllama } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Image URLs sent to a Gemini channel are fetched by the gateway (Gemini reads only inline data) through the
 * SSRF-safe fetcher. The image host is on 127.0.0.1, which USER_CONTENT_ALLOWED_NETWORKS lets through; every other
 * internal address stays refused.
 */
describe('user-supplied image URLs (SSRF-safe fetch)', () => {
  let t: TestApp;
  let gemini: FakeProvider;
  let ollama: FakeProvider;
  let images: Server;
  let imageHits: string[];
  let imageBase: string;
  let root: Agent;
  let key: { id: number; key: string };
  let client: OpenAI;

  beforeAll(async () => {
    imageHits = [];
    images = createServer((req, res) => {
      imageHits.push(req.url ?? '');
      if (req.url === '/big.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        return res.end(Buffer.alloc(1024 * 1024 + 1));
      }
      if (req.url === '/to-metadata') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PNG);
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    imageBase = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
    gemini = await startFakeGemini();
    ollama = await startFakeOllama();
    t = await startTestApp({
      env: { USER_CONTENT_ALLOWED_NETWORKS: '127.0.0.1/32', MAX_INLINE_IMAGE_SIZE_MB: '1' },
    });
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 24,
      name: 'fake gemini',
      base_url: gemini.url,
      models: 'gemini-2.5-flash',
    });
    await createChannel(root, { type: 30, name: 'fake ollama', base_url: ollama.url, models: 'llava' });
    key = await createKey(root, { name: 'ssrf', remain_quota: 1_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await gemini?.close();
    await ollama?.close();
    await new Promise<void>((resolve) => (images ? images.close(() => resolve()) : resolve()));
  });

  beforeEach(() => {
    gemini.reset();
    ollama.reset();
    imageHits.length = 0;
  });

  const ask = (url: string) =>
    client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url } },
          ],
        },
      ],
    });

  const remaining = async () => (await root.get(`/api/token/${key.id}`)).body.data.remain_quota as number;

  it('fetches an allowed image URL and sends it to Gemini inline', async () => {
    const answer = await ask(`${imageBase}/cat.png`);
    expect(answer.choices[0].message.role).toBe('assistant');
    expect(imageHits).toEqual(['/cat.png']);
    const body = gemini.requests[0].body as {
      contents: Array<{ parts: Array<{ inlineData?: { mimeType: string; data: string } }> }>;
    };
    const inline = body.contents[0].parts.find((p) => p.inlineData)?.inlineData;
    expect(inline).toEqual({ mimeType: 'image/png', data: PNG.toString('base64') });
  });

  it('Ollama gets the fetched image as base64 too, and an internal URL is refused there as well', async () => {
    await client.chat.completions.create({
      model: 'llava',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe.' },
            { type: 'image_url', image_url: { url: `${imageBase}/cat.png` } },
          ],
        },
      ],
    });
    const sent = ollama.requests[0].body as { messages: Array<{ images?: string[] }> };
    expect(sent.messages.find((m) => m.images)?.images).toEqual([PNG.toString('base64')]);
    await expect(
      client.chat.completions.create({
        model: 'llava',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://10.1.1.1/x.png' } }] },
        ],
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(ollama.requests).toHaveLength(1);
  });

  it.each([
    ['cloud metadata (link-local)', 'http://169.254.169.254/latest/meta-data/', /link-local/],
    ['a private address', 'http://10.0.0.1/cat.png', /private/],
    ['IPv6 loopback', 'http://[::1]/cat.png', /loopback/],
    ['loopback outside the allowed network', 'http://127.0.0.2/cat.png', /loopback/],
    ['an IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.2]/cat.png', /loopback/],
  ])('refuses %s with 400, calls no upstream and charges nothing', async (_name, url, reason) => {
    await settled(t);
    const before = await remaining();
    const error = await ask(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(reason);
    expect((bad.error as { type: string }).type).toBe('invalid_request_error');
    expect(gemini.requests).toHaveLength(0);
    await settled(t);
    expect(await remaining()).toBe(before);
  });

  it('refuses a redirect to an internal address and an image over MAX_INLINE_IMAGE_SIZE_MB', async () => {
    await expect(ask(`${imageBase}/to-metadata`)).rejects.toMatchObject({ status: 400 });
    await expect(ask(`${imageBase}/big.png`)).rejects.toThrow(/larger than 1 MB/);
    expect(imageHits).toEqual(['/to-metadata', '/big.png']);
    expect(gemini.requests).toHaveLength(0);
  });
});
