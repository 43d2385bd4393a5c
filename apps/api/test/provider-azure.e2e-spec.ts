import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type FakeProvider, startFakeAzureOpenAI } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { type ChannelInput, createChannel, createKey, settled } from './relay-fixtures';

const AZURE_KEY = '6f1c0d7e9a8b4c2d8e7f6a5b4c3d2e1f';
const API_VERSION = '2024-10-21';
const OLD_API_VERSION = '2024-03-01-preview';

/**
 * Azure OpenAI channels (type 3) end to end against a fake Azure resource that answers only at
 * `/openai/deployments/{model without dots}/{task}?api-version=…` (and `/openai/v1/responses`) with the key in
 * `api-key` and no Authorization header.
 */
describe('Azure OpenAI channel (type 3): deployment URLs, api-version, api-key', () => {
  let t: TestApp;
  let fake: FakeProvider;
  // a resource on One API's default api-version, which refuses stream_options
  let oldFake: FakeProvider;
  let root: Awaited<ReturnType<TestApp['login']>>;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    fake = await startFakeAzureOpenAI({ apiKey: AZURE_KEY, apiVersion: API_VERSION });
    oldFake = await startFakeAzureOpenAI({ apiKey: AZURE_KEY, apiVersion: OLD_API_VERSION });
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 3,
      name: 'azure',
      key: AZURE_KEY,
      base_url: fake.url,
      models: 'gpt-4.1-mini,text-embedding-3-small,gpt-5-mini,dall-e-3,tts-1',
      config: JSON.stringify({ api_version: API_VERSION }),
    });
    // One API kept the api-version in the `other` column before config existed
    await createChannel(root, {
      type: 3,
      name: 'azure-legacy',
      key: AZURE_KEY,
      base_url: fake.url,
      models: 'gpt-4o-legacy',
      model_mapping: JSON.stringify({ 'gpt-4o-legacy': 'gpt-4o' }),
      other: API_VERSION,
    } as ChannelInput);
    // every model through Azure's Responses API: the channel that stored responses are fetched from
    await createChannel(root, {
      type: 3,
      name: 'azure-responses',
      key: AZURE_KEY,
      base_url: fake.url,
      models: 'gpt-4.1-nano',
      config: JSON.stringify({ api_version: API_VERSION, api_format: 'response' }),
    });
    // no api_version: One API's UI default, 2024-03-01-preview
    await createChannel(root, {
      type: 3,
      name: 'azure-2024-03',
      key: AZURE_KEY,
      base_url: oldFake.url,
      models: 'gpt-4o-mini',
    });
    const key = await createKey(root, { name: 'azure', unlimited_quota: true });
    openai = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: key.key, baseURL: t.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await oldFake?.close();
  });
  beforeEach(() => {
    fake.clear();
    oldFake.clear();
  });

  function sent() {
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.headers['api-key']).toBe(AZURE_KEY);
    expect(request.headers.authorization).toBeUndefined();
    return { ...request, query: new URL(request.url, 'http://x').searchParams };
  }

  it('passes chat through to the deployment named after the model, dots removed', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'hello azure' }],
    });
    expect(completion.choices[0].message.content).toContain('hello azure');
    const request = sent();
    expect(request.path).toBe('/openai/deployments/gpt-41-mini/chat/completions');
    expect(request.query.get('api-version')).toBe(API_VERSION);
  });

  it('streams chat with usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'stream from azure' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('stream from azure');
    expect(sent().path).toBe('/openai/deployments/gpt-41-mini/chat/completions');
  });

  it('sends the stream_options include_usage to api-versions that take it', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'usage please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(sent().body).toMatchObject({ stream_options: { include_usage: true } });
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  describe('on api-versions before 2024-09-01-preview (stream_options refused)', () => {
    async function lastLog() {
      await settled(t);
      return (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data[0];
    }
    function sentOld() {
      expect(oldFake.requests).toHaveLength(1);
      const [request] = oldFake.requests;
      expect(new URL(request.url, 'http://x').searchParams.get('api-version')).toBe(OLD_API_VERSION);
      return request;
    }

    it('streams chat without stream_options, even when the caller asked for usage, billed by estimate', async () => {
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'stream from an old azure' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toContain('stream from an old azure');
      const request = sentOld();
      expect(request.body).toMatchObject({ stream: true });
      expect(request.body).not.toHaveProperty('stream_options');
      const log = await lastLog();
      expect(log.model_name).toBe('gpt-4o-mini');
      expect(log.prompt_tokens).toBeGreaterThan(0);
      expect(log.completion_tokens).toBeGreaterThan(0);
    });

    it('streams a converted Claude request without stream_options, with usage from the estimate', async () => {
      const stream = anthropic.messages.stream({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'claude caller, old azure' }],
      });
      const message = await stream.finalMessage();
      expect(message.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('old azure') });
      expect(message.usage.output_tokens).toBeGreaterThan(0);
      expect(sentOld().body).not.toHaveProperty('stream_options');
    });
  });

  it('relays embeddings to the embedding deployment', async () => {
    const result = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'vector' });
    expect(result.data[0].embedding.length).toBeGreaterThan(0);
    const request = sent();
    expect(request.path).toBe('/openai/deployments/text-embedding-3-small/embeddings');
    expect(request.query.get('api-version')).toBe(API_VERSION);
  });

  it('takes the api-version from the legacy other column and deploys the mapped model', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o-legacy',
      messages: [{ role: 'user', content: 'legacy channel' }],
    });
    expect(completion.choices[0].message.content).toContain('legacy channel');
    const request = sent();
    expect(request.path).toBe('/openai/deployments/gpt-4o/chat/completions');
    expect(request.query.get('api-version')).toBe(API_VERSION);
  });

  it('converts Claude Messages callers to chat on the deployment', async () => {
    const message = await anthropic.messages.create({
      model: 'gpt-4.1-mini',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'claude client on azure' }],
    });
    expect(message.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('claude client'),
    });
    expect(sent().path).toBe('/openai/deployments/gpt-41-mini/chat/completions');
  });

  it('serves GPT-5-family models through the Responses API, from chat and Responses callers alike', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'chat caller, gpt-5' }],
    });
    expect(completion.choices[0].message.content).toContain('chat caller, gpt-5');
    let request = sent();
    expect(request.path).toBe('/openai/v1/responses');
    expect(request.body).toMatchObject({ model: 'gpt-5-mini' });

    fake.clear();
    const response = await openai.responses.create({ model: 'gpt-5-mini', input: 'responses caller' });
    expect(response.output_text).toContain('responses caller');
    request = sent();
    expect(request.path).toBe('/openai/v1/responses');
    expect(request.body).toMatchObject({ model: 'gpt-5-mini', input: 'responses caller' });
  });

  it('sends images and audio to their deployments too', async () => {
    const image = await openai.images.generate({
      model: 'dall-e-3',
      prompt: 'a lighthouse',
      size: '1024x1024',
    });
    expect(image.data?.length).toBe(1);
    let request = sent();
    expect(request.path).toBe('/openai/deployments/dall-e-3/images/generations');
    expect(request.query.get('api-version')).toBe(API_VERSION);

    fake.clear();
    const speech = await openai.audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input: 'hello from azure',
    });
    expect((await speech.arrayBuffer()).byteLength).toBeGreaterThan(0);
    request = sent();
    expect(request.path).toBe('/openai/deployments/tts-1/audio/speech');
    expect(request.query.get('api-version')).toBe(API_VERSION);
  });

  it('stores and retrieves responses on a Responses-configured channel, with api-key', async () => {
    const created = await openai.responses.create({ model: 'gpt-4.1-nano', input: 'remember me' });
    expect(sent().path).toBe('/openai/v1/responses');
    fake.clear();
    const fetched = await openai.responses.retrieve(created.id);
    expect(fetched.id).toBe(created.id);
    const request = fake.requests[0];
    expect(request.method).toBe('GET');
    expect(request.path).toBe(`/openai/v1/responses/${created.id}`);
    expect(request.headers['api-key']).toBe(AZURE_KEY);
    expect(request.headers.authorization).toBeUndefined();
  });
});
