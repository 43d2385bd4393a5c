import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type FakeProvider, predictReplicateUsage, startFakeReplicate } from '@one-api/llm-testing';
import { startTestApp, type TestApp } from './harness';
import { createChannel, createKey, setOption, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const MODEL = 'meta/meta-llama-3-8b-instruct';

/**
 * Replicate (46) channels behind the gateway, called with the official SDKs: a failed prediction on one channel moves
 * the request to the next (nothing had reached the caller), streams follow the prediction's SSE stream, and each
 * request settles one consume log billed with the prediction's token metrics.
 */
describe('Replicate channels through the gateway', () => {
  let t: TestApp;
  let broken: FakeProvider;
  let healthy: FakeProvider;
  let root: Agent;
  let key: { id: number; key: string };
  let healthyId: number;

  beforeAll(async () => {
    broken = await startFakeReplicate({ failPredictions: true });
    healthy = await startFakeReplicate({ apiKey: 'r8_healthy', preferWait: false, pollsBeforeDone: 2 });
    t = await startTestApp();
    root = await t.login('root', '123456');
    await setOption(root, 'RetryTimes', '1');
    await createChannel(root, {
      type: 46,
      name: 'replicate broken deployment',
      key: 'r8_broken',
      base_url: `${broken.url}/v1/models/`,
      models: MODEL,
      priority: 10,
    });
    healthyId = await createChannel(root, {
      type: 46,
      name: 'replicate healthy',
      key: 'r8_healthy',
      base_url: healthy.url,
      models: MODEL,
      priority: 0,
    });
    key = await createKey(root, { name: 'replicate', remain_quota: 10_000_000 });
  });

  afterAll(async () => {
    await t?.close();
    await broken?.close();
    await healthy?.close();
  });

  beforeEach(() => {
    broken.clear();
    healthy.clear();
  });

  async function logsOfKey() {
    await settled(t);
    const res = await root.get('/api/log/').query({ type: 2, size: 50 });
    return (res.body.data as Array<Record<string, unknown>>).filter((l) => l.token_name === 'replicate');
  }

  const token = async () => (await root.get(`/api/token/${key.id}`)).body.data;

  it('a failed prediction moves to the next channel, which is polled to the end; one log, billed from metrics', async () => {
    const before = await token();
    const seen = (await logsOfKey()).length;
    const client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello in one sentence.' },
      ],
      max_tokens: 300,
    });
    expect(completion.choices[0].message.content).toBe(
      'Hello! This is fake-replicate answering: Say hello in one sentence.',
    );
    // the broken channel failed at once (Prefer: wait); the healthy one was created, then polled
    expect(broken.requests.map((r) => r.method)).toEqual(['POST']);
    expect(healthy.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET', 'GET']);
    const sent = healthy.requests[0];
    expect(sent.body).toEqual({
      input: {
        prompt: 'Say hello in one sentence.',
        system_prompt: 'Be brief.',
        max_tokens: 300,
        max_new_tokens: 300,
      },
    });
    const usage = predictReplicateUsage(sent.body);
    expect(completion.usage).toMatchObject({ prompt_tokens: usage.input, completion_tokens: usage.output });

    const logs = await logsOfKey();
    expect(logs).toHaveLength(seen + 1);
    const [log] = logs;
    expect(log).toMatchObject({
      channel: healthyId,
      model_name: MODEL,
      is_stream: false,
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
    });
    expect(Number(log.quota)).toBeGreaterThan(0);
    const after = await token();
    expect(after.used_quota - before.used_quota).toBe(log.quota);
  });

  it('streams a Claude Messages call after a stream that failed before output moved on; usage from the finished prediction', async () => {
    const anthropic = new Anthropic({ apiKey: key.key, baseURL: t.url, maxRetries: 0 });
    const stream = anthropic.messages.stream({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Stream a short answer please.' }],
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      expect.objectContaining({
        type: 'text',
        text: 'Hello! This is fake-replicate answering: Stream a short answer please.',
      }),
    ]);
    // the broken channel's prediction failed on its stream before any output: the next channel served the request
    expect(broken.requests.map((r) => `${r.method} ${r.path.split('/')[2]}`)).toEqual([
      'POST models',
      'GET streams',
    ]);
    const create = healthy.requests.find((r) => r.method === 'POST')!;
    expect(create.body).toMatchObject({ stream: true });
    expect(healthy.requests.filter((r) => r.method === 'GET').map((r) => r.path.split('/')[2])).toEqual([
      'streams',
      'predictions',
    ]);
    const usage = predictReplicateUsage(create.body);
    expect(message.usage).toMatchObject({ input_tokens: usage.input, output_tokens: usage.output });
    const [log] = await logsOfKey();
    expect(log).toMatchObject({
      is_stream: true,
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
    });
  });
});
