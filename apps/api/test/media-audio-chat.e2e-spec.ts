import OpenAI from 'openai';
import {
  FakeProvider,
  predictChatAudioTokens,
  predictChatUsage,
  startFakeOpenAI,
} from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const QUOTA_PER_USD = 500_000;

/** gpt-4o-audio chat: audio tokens (prompt_tokens_details / completion_tokens_details) priced apart from text. */
describe('audio chat models: audio tokens priced', () => {
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
      name: 'fake openai audio chat',
      base_url: fake.url,
      models: 'gpt-4o-audio-preview,gpt-4o-mini-audio-preview',
    });
    key = await createKey(root, { name: 'audio-chat', remain_quota: 10_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  const remaining = async () => (await root.get(`/api/token/${key.id}`)).body.data.remain_quota as number;

  async function cost(call: () => Promise<unknown>): Promise<number> {
    await settled(t);
    const before = await remaining();
    await call();
    await settled(t);
    return before - (await remaining());
  }

  /** [text in, text out, audio in, audio out] USD per 1M tokens */
  function expected(prices: readonly [number, number, number, number]): number {
    const sent = fake.requests[0].body as never;
    const usage = predictChatUsage(sent);
    const audio = predictChatAudioTokens(sent);
    const [ti, to, ai, ao] = prices;
    const usd =
      ((usage.prompt_tokens - audio.input) * ti +
        audio.input * ai +
        (usage.completion_tokens - audio.output) * to +
        audio.output * ao) /
      1e6;
    return Math.ceil(usd * QUOTA_PER_USD - 1e-9);
  }

  const wav = Buffer.alloc(2000, 0x80).toString('base64');

  it('gpt-4o-audio-preview: audio in and out at $40 / $80, text at $2.50 / $10 per 1M', async () => {
    let answer: OpenAI.ChatCompletion | undefined;
    const charged = await cost(async () => {
      answer = await client.chat.completions.create({
        model: 'gpt-4o-audio-preview',
        modalities: ['text', 'audio'],
        audio: { voice: 'alloy', format: 'wav' },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is said in this recording?' },
              { type: 'input_audio', input_audio: { data: wav, format: 'wav' } },
            ],
          },
        ],
      });
    });
    expect(answer!.choices[0].message.audio?.transcript).toBeTruthy();
    expect(answer!.usage!.prompt_tokens_details!.audio_tokens).toBe(100);
    expect(answer!.usage!.completion_tokens_details!.audio_tokens).toBeGreaterThan(0);
    expect(charged).toBe(expected([2.5, 10, 40, 80]));
    const log = (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data[0];
    expect(log.content).toContain('audio tokens in 100');
  });

  it('gpt-4o-mini-audio-preview streamed: the usage chunk’s audio tokens are priced too', async () => {
    const charged = await cost(async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini-audio-preview',
        stream: true,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Transcribe please.' },
              ...Array.from({ length: 5 }, () => ({
                type: 'input_audio' as const,
                input_audio: { data: wav, format: 'wav' as const },
              })),
            ],
          },
        ],
      });
      for await (const chunk of stream) void chunk;
    });
    expect(charged).toBe(expected([0.15, 0.6, 10, 20]));
    const log = (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data[0];
    expect(log.content).toContain('audio tokens in 500');
  });
});
