import OpenAI from 'openai';
import { FakeProvider, startFakeTencent } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

describe('Tencent Hunyuan channel (type 23): TC3-signed ChatCompletions through the gateway', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeTencent({ secretId: 'AKIDfakeSecretId', secretKey: 'fakeSecretKey' });
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 23,
      name: 'hunyuan',
      key: '1300000000|AKIDfakeSecretId|fakeSecretKey',
      base_url: fake.url,
      models: 'hunyuan-pro',
      config: JSON.stringify({ region: 'ap-guangzhou' }),
    });
    const key = await createKey(root, { name: 'tencent', remain_quota: 50_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  async function lastLog() {
    await settled(t);
    return (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data[0];
  }

  it('signs the call (the fake recomputes the signature) and bills the usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'hunyuan-pro',
      messages: [{ role: 'user', content: 'hello hunyuan' }],
      temperature: 0.5,
    });
    expect(completion.choices[0].message.content).toContain('hello hunyuan');
    const sent = fake.requests[0];
    expect(sent.headers['x-tc-action']).toBe('ChatCompletions');
    expect(sent.headers['x-tc-region']).toBe('ap-guangzhou');
    expect(sent.headers.authorization).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDfakeSecretId\//);
    expect(sent.body).toMatchObject({
      Model: 'hunyuan-pro',
      Messages: [{ Role: 'user', Content: 'hello hunyuan' }],
    });
    const log = await lastLog();
    expect(log.prompt_tokens).toBe(completion.usage?.prompt_tokens);
    expect(log.completion_tokens).toBe(completion.usage?.completion_tokens);
    expect(log.quota).toBeGreaterThan(0);
  });

  it('streams', async () => {
    const stream = await client.chat.completions.create({
      model: 'hunyuan-pro',
      messages: [{ role: 'user', content: 'stream hunyuan' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain('stream hunyuan');
    const log = await lastLog();
    expect(log.is_stream).toBe(true);
    expect(log.completion_tokens).toBe(usage?.completion_tokens);
  });

  it('relays a tool call and the tool turn that answers it', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'weather of a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const first = await client.chat.completions.create({
      model: 'hunyuan-pro',
      messages: [{ role: 'user', content: 'what is the weather in Beijing?' }],
      tools,
    });
    const call = first.choices[0].message.tool_calls?.[0];
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    const sentTools = (fake.requests.at(-1)!.body as { Tools: Array<{ Function: { Parameters: string } }> })
      .Tools;
    expect(JSON.parse(sentTools[0].Function.Parameters)).toMatchObject({ required: ['city'] });
    const second = await client.chat.completions.create({
      model: 'hunyuan-pro',
      messages: [
        { role: 'user', content: 'what is the weather in Beijing?' },
        first.choices[0].message,
        { role: 'tool', tool_call_id: call!.id, content: 'sunny, 25C' },
      ],
      tools,
    });
    expect(second.choices[0].message.content).toContain('sunny, 25C');
    const messages = (fake.requests.at(-1)!.body as { Messages: Array<Record<string, unknown>> }).Messages;
    expect(messages[1]).toMatchObject({ Role: 'assistant', ToolCalls: [{ Id: call!.id }] });
    expect(messages[2]).toEqual({ Role: 'tool', Content: 'sunny, 25C', ToolCallId: call!.id });
  });

  it('a wrong secret key is refused by the signature check and the caller gets an error', async () => {
    await createChannel(root, {
      type: 23,
      name: 'hunyuan-bad',
      key: '1300000000|AKIDfakeSecretId|wrongSecretKey',
      base_url: fake.url,
      models: 'hunyuan-bad',
    });
    await expect(
      client.chat.completions.create({ model: 'hunyuan-bad', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(fake.requests).toHaveLength(1);
    const log = await lastLog();
    expect(log.model_name).toBe('hunyuan-bad');
    expect(log.quota).toBe(0);
  });
});
