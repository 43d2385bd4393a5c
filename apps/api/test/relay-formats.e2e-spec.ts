import OpenAI from 'openai';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

describe('relay across formats: Responses, Claude Messages, URL options', () => {
  let t: TestApp;
  let chatFake: FakeProvider;
  let responsesFake: FakeProvider;
  let root: Agent;
  let key: { id: number; key: string };
  let client: OpenAI;

  beforeAll(async () => {
    chatFake = await startFakeOpenAI();
    responsesFake = await startFakeOpenAI();
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, { name: 'chat only', base_url: chatFake.url, models: 'gpt-4o-mini' });
    const res = await root.post('/api/channel/').send({
      type: 50,
      name: 'responses native',
      key: 'resp-key',
      base_url: responsesFake.url,
      models: 'gpt-5-mini',
      group: 'default',
      config: JSON.stringify({ api_format: 'response' }),
    });
    expect(res.body.success).toBe(true);
    key = await createKey(root, { name: 'formats', remain_quota: 50_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await chatFake?.close();
    await responsesFake?.close();
  });
  beforeEach(() => {
    chatFake.reset();
    responsesFake.reset();
  });

  async function lastLog() {
    await settled(t);
    return (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data[0];
  }

  it('answers a Responses request from a Chat-only channel through the canonical model', async () => {
    const response = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Say hello from responses',
      instructions: 'be short',
    });
    expect(response.output_text).toContain('Say hello from responses');
    expect(chatFake.requests).toHaveLength(1);
    expect(chatFake.requests[0].path).toBe('/v1/chat/completions');
    const sent = chatFake.requests[0].body as { messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages[0]).toMatchObject({ role: 'system' });
    const log = await lastLog();
    expect(log.prompt_tokens).toBe(response.usage?.input_tokens);
    expect(log.completion_tokens).toBe(response.usage?.output_tokens);
    expect(log.quota).toBeGreaterThan(0);
  });

  it('streams Responses events converted from a Chat stream', async () => {
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'stream me', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toContain('stream me');
    expect((chatFake.requests[0].body as { stream: boolean }).stream).toBe(true);
  });

  it('passes a Responses request through to a Responses-native channel, and reads stored responses there', async () => {
    const created = await client.responses.create({
      model: 'gpt-5-mini',
      input: 'keep this one',
      store: true,
    });
    expect(responsesFake.requests[0].path).toBe('/v1/responses');
    expect(responsesFake.requests[0].headers.authorization).toBe('Bearer resp-key');
    expect((responsesFake.requests[0].body as { store: boolean }).store).toBe(true);
    const fetched = await client.responses.retrieve(created.id);
    expect(fetched.id).toBe(created.id);
    expect(fetched.output_text).toBe(created.output_text);
    await client.responses.delete(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('answers Claude Messages from an OpenAI channel, in Anthropic shapes, errors included', async () => {
    const res = await t.http
      .post('/v1/messages')
      .set('x-api-key', key.key)
      .set('anthropic-version', '2023-06-01')
      .send({
        model: 'gpt-4o-mini',
        max_tokens: 256,
        messages: [{ role: 'user', content: 'hello claude shape' }],
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'message', role: 'assistant' });
    expect(res.body.content[0].text).toContain('hello claude shape');
    expect(chatFake.requests[0].path).toBe('/v1/chat/completions');

    const bad = await t.http
      .post('/v1/messages')
      .set('x-api-key', key.key)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const anonymous = await t.http
      .post('/v1/messages')
      .send({ model: 'gpt-4o-mini', max_tokens: 10, messages: [] });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('counts Claude tokens locally and accepts Claude Code path spellings', async () => {
    const count = await t.http
      .post('/v1/v1/messages/count_tokens?beta=true')
      .set('Authorization', `Bearer ${key.key}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'how many tokens is this?' }] });
    expect(count.status).toBe(200);
    expect(count.body.input_tokens).toBeGreaterThan(0);
    expect(chatFake.requests).toHaveLength(0);
  });

  it('honours ?reasoning_format= and ?thinking= by converting even on a same-format channel', async () => {
    const res = await t.http
      .post('/v1/chat/completions?thinking=true&reasoning_format=reasoning')
      .set('Authorization', `Bearer ${key.key}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'think first' }] });
    expect(res.status).toBe(200);
    const sent = chatFake.requests[0].body as Record<string, unknown>;
    expect(sent.reasoning_effort).toBeDefined();
    expect(res.body.object).toBe('chat.completion');
  });
});
