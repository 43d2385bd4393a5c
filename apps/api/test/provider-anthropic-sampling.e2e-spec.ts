import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type FakeProvider, startFakeAnthropic } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey } from './relay-fixtures';

/**
 * temperature + top_p on Anthropic channels: Claude Sonnet 4.5, Haiku 4.5, Opus 4.1 and later refuse the pair (the
 * fake refuses it as Anthropic does). OpenAI-style callers, converted, keep temperature only on those models and both
 * on older ones; a Claude caller's own body is passed through untouched.
 */
describe('Anthropic channel: temperature with top_p', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic({ apiKey: 'sk-ant-sampling' });
    t = await startTestApp();
    const root = await t.login('root', '123456');
    await createChannel(root, {
      type: 14,
      name: 'anthropic',
      key: 'sk-ant-sampling',
      base_url: fake.url,
      models: 'claude-haiku-4-5,claude-3-5-haiku-20241022',
    });
    const key = await createKey(root, { name: 'sampling', unlimited_quota: true });
    openai = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: key.key, baseURL: t.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.clear());

  const sent = () => {
    expect(fake.requests).toHaveLength(1);
    return fake.requests[0].body as Record<string, unknown>;
  };

  it('answers an openai SDK caller sending both to claude-haiku-4-5: temperature kept, top_p dropped', async () => {
    const completion = await openai.chat.completions.create({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'sampled twice' }],
      temperature: 0.7,
      top_p: 0.9,
    });
    expect(completion.choices[0].message.content).toContain('sampled twice');
    const body = sent();
    expect(body).toMatchObject({ model: 'claude-haiku-4-5', temperature: 0.7 });
    expect(body).not.toHaveProperty('top_p');
  });

  it('does the same on a stream', async () => {
    const stream = await openai.chat.completions.create({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'streamed sampling' }],
      temperature: 0.3,
      top_p: 0.5,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('streamed sampling');
    expect(sent()).not.toHaveProperty('top_p');
  });

  it('sends both to an older model that takes them', async () => {
    await openai.chat.completions.create({
      model: 'claude-3-5-haiku-20241022',
      messages: [{ role: 'user', content: 'older model' }],
      temperature: 0.7,
      top_p: 0.9,
    });
    expect(sent()).toMatchObject({ temperature: 0.7, top_p: 0.9 });
  });

  it("passes a Claude caller's own pair through untouched, and Anthropic's refusal back", async () => {
    // the SDK's own types no longer list the sampling fields (Claude's newest models take none): sent as a raw body
    const params = {
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      temperature: 0.7,
      top_p: 0.9,
      messages: [{ role: 'user' as const, content: 'claude caller' }],
    };
    const error = await anthropic.messages.create(params as Anthropic.MessageCreateParamsNonStreaming).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).message).toContain(
      '`temperature` and `top_p` cannot both be specified for this model',
    );
    expect(sent()).toMatchObject({ temperature: 0.7, top_p: 0.9 });
  });
});
