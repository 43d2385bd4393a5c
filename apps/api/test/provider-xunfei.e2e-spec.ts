import OpenAI from 'openai';
import { type FakeSpark, startFakeSpark } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

describe('Xunfei Spark v1 channel (type 18): signed WebSocket through the gateway', () => {
  let t: TestApp;
  let fake: FakeSpark;
  let root: Agent;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeSpark({ appId: 'app123', apiKey: 'key456', apiSecret: 'secret789' });
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 18,
      name: 'spark',
      key: 'app123|secret789|key456',
      base_url: fake.url,
      models: 'SparkDesk-v3.5',
    });
    const key = await createKey(root, { name: 'spark', remain_quota: 50_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  async function lastLog() {
    await settled(t);
    return (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data[0];
  }

  it('answers a chat completion from the frames of a signed WebSocket call', async () => {
    const completion = await client.chat.completions.create({
      model: 'SparkDesk-v3.5',
      messages: [
        { role: 'system', content: 'be short' },
        { role: 'user', content: 'hello spark' },
      ],
    });
    expect(completion.choices[0].message.content).toContain('hello spark');
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/v3.5/chat');
    expect(request.frame).toMatchObject({
      header: { app_id: 'app123' },
      parameter: { chat: { domain: 'generalv3.5' } },
      payload: {
        message: {
          text: [
            { role: 'system', content: 'be short' },
            { role: 'user', content: 'hello spark' },
          ],
        },
      },
    });
    const log = await lastLog();
    expect(log.prompt_tokens).toBe(completion.usage?.prompt_tokens);
    expect(log.completion_tokens).toBe(completion.usage?.completion_tokens);
    expect(log.completion_tokens).toBeGreaterThan(0);
  });

  it('streams frame by frame', async () => {
    const stream = await client.chat.completions.create({
      model: 'SparkDesk-v3.5',
      messages: [{ role: 'user', content: 'stream spark please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain('stream spark please');
    const log = await lastLog();
    expect(log.is_stream).toBe(true);
    expect(log.completion_tokens).toBe(usage?.completion_tokens);
  });

  it('a wrong API secret fails the handshake and the caller gets an error', async () => {
    await createChannel(root, {
      type: 18,
      name: 'spark-bad',
      key: 'app123|wrong|key456',
      base_url: fake.url,
      models: 'SparkDesk-v1.1',
    });
    await expect(
      client.chat.completions.create({ model: 'SparkDesk-v1.1', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(fake.refused).toContain('HMAC signature does not match');
  });
});
