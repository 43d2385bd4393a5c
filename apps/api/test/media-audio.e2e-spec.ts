import OpenAI, { toFile } from 'openai';
import { fakeSpeechAudio, fakeTranscript, FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const QUOTA_PER_USD = 500_000;

/** A PCM WAV of silence: 8 kHz, 8-bit, mono (8000 bytes per second). */
function silentWav(seconds: number): Buffer {
  const dataBytes = Math.round(seconds * 8000);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(8000, 24); // sample rate
  header.writeUInt32LE(8000, 28); // byte rate
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, Buffer.alloc(dataBytes, 0x80)]);
}

describe('audio: /v1/audio/speech, /transcriptions, /translations', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;
  let key: { id: number; key: string };
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = await startTestApp({ env: { MAX_UPLOAD_SIZE_MB: '1' } });
    root = await t.login('root', '123456');
    await createChannel(root, {
      name: 'fake openai audio',
      base_url: fake.url,
      models: 'tts-1,tts-1-hd,whisper-1,my-ears',
      model_mapping: '{"my-ears":"whisper-1"}',
    });
    key = await createKey(root, { name: 'audio', remain_quota: 10_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  const remaining = async () => (await root.get(`/api/token/${key.id}`)).body.data.remain_quota as number;
  const consumeLogs = async () =>
    (await root.get('/api/log/').query({ type: 2, size: 100 })).body.data as Array<{
      quota: number;
      model_name: string;
      prompt_tokens: number;
    }>;

  async function charged<T>(call: () => Promise<T>) {
    await settled(t);
    const before = await remaining();
    const logsBefore = (await consumeLogs()).length;
    const result = await call().catch((error: unknown) => error);
    await settled(t);
    const logs = await consumeLogs();
    return { result, cost: before - (await remaining()), newLogs: logs.slice(0, logs.length - logsBefore) };
  }

  it('speech: the audio bytes come back as sent, billed $15 per 1M characters (tts-1)', async () => {
    const input = 'Hello there, this is the gateway speaking.'; // 42 characters
    const res = await charged(async () => {
      const speech = await client.audio.speech.create({ model: 'tts-1', input, voice: 'alloy' });
      return { type: speech.headers.get('content-type'), bytes: Buffer.from(await speech.arrayBuffer()) };
    });
    const { type, bytes } = res.result as { type: string; bytes: Buffer };
    expect(type).toBe('audio/mpeg');
    expect(bytes.equals(fakeSpeechAudio(input))).toBe(true);
    expect(res.cost).toBe(Math.ceil(42 * (15 / 1e6) * QUOTA_PER_USD)); // 315 = 42 × 7.5
    expect(res.newLogs).toHaveLength(1);
    expect(res.newLogs[0]).toMatchObject({ model_name: 'tts-1', quota: 315, prompt_tokens: 42 });
  });

  it('speech: tts-1-hd at $30 per 1M characters, other formats keep their content type', async () => {
    const res = await charged(async () => {
      const speech = await client.audio.speech.create({
        model: 'tts-1-hd',
        input: 'ten chars!',
        voice: 'nova',
        response_format: 'wav',
      });
      return speech.headers.get('content-type');
    });
    expect(res.result).toBe('audio/wav');
    expect(res.cost).toBe(150);
  });

  it('speech is streamed to the caller as the provider sends it, not buffered', async () => {
    fake.setFault('slow:150'); // 150 ms before each 4 KiB chunk
    const input = 'x'.repeat(320); // 20480 bytes: 5 chunks
    const started = Date.now();
    const res = await fetch(`${t.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tts-1', input, voice: 'alloy' }),
    });
    const reader = res.body!.getReader();
    let firstChunkAt = 0;
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!firstChunkAt) firstChunkAt = Date.now() - started;
      received += value.length;
    }
    const endedAt = Date.now() - started;
    expect(received).toBe(320 * 64);
    expect(endedAt).toBeGreaterThanOrEqual(700);
    expect(firstChunkAt).toBeLessThan(endedAt - 400);
  });

  it('transcriptions: billed by the duration measured from the file ($0.006/min), never the declared one', async () => {
    const wav = silentWav(3.5);
    const res = await charged(async () =>
      client.audio.transcriptions.create({
        model: 'whisper-1',
        file: await toFile(wav, 'speech.wav', { type: 'audio/wav' }),
        // a client-declared duration the gateway must ignore
        ...({ duration: '0.1' } as object),
      }),
    );
    const transcript = res.result as OpenAI.Audio.Transcription;
    expect(transcript.text).toBe(
      fakeTranscript({ field: 'file', filename: 'speech.wav', mimeType: '', data: wav }),
    );
    expect(res.cost).toBe(Math.ceil((3.5 / 60) * 0.006 * QUOTA_PER_USD)); // 175
    expect(res.newLogs[0]).toMatchObject({ model_name: 'whisper-1', quota: 175, prompt_tokens: 35 });
    const sent = fake.requests[0];
    expect(sent.path).toBe('/v1/audio/transcriptions');
    expect(String(sent.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('transcriptions pass text formats through and map the model', async () => {
    const wav = silentWav(61);
    const res = await charged(async () =>
      client.audio.transcriptions.create({
        model: 'my-ears',
        file: await toFile(wav, 'long.wav', { type: 'audio/wav' }),
        response_format: 'srt',
      }),
    );
    expect(String(res.result)).toMatch(/^1\n00:00:00,000 --> 00:00:01,000\nFake transcript of long.wav/);
    expect(fake.requests[0].rawBody).toContain('whisper-1');
    expect(res.cost).toBe(Math.ceil((61 / 60) * 0.006 * QUOTA_PER_USD)); // 3050
  });

  it('translations: the same price by duration', async () => {
    const res = await charged(async () =>
      client.audio.translations.create({
        model: 'whisper-1',
        file: await toFile(silentWav(2), 'fr.wav', { type: 'audio/wav' }),
      }),
    );
    expect((res.result as OpenAI.Audio.Translation).text).toMatch(/^Fake transcript of fr.wav/);
    expect(fake.requests[0].path).toBe('/v1/audio/translations');
    expect(res.cost).toBe(100);
  });

  it('refuses a file that is not audio (400) and one over MAX_UPLOAD_SIZE_MB (413), for free', async () => {
    const notAudio = await charged(async () =>
      client.audio.transcriptions.create({
        model: 'whisper-1',
        file: await toFile(Buffer.from('definitely not audio'.repeat(50)), 'x.wav', { type: 'audio/wav' }),
      }),
    );
    expect(notAudio.result).toBeInstanceOf(OpenAI.BadRequestError);
    expect((notAudio.result as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('invalid_audio');
    expect(notAudio.cost).toBe(0);

    const tooBig = await charged(async () =>
      client.audio.transcriptions.create({
        model: 'whisper-1',
        file: await toFile(silentWav(140), 'big.wav', { type: 'audio/wav' }), // 1.12 MB
      }),
    );
    expect((tooBig.result as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect((tooBig.result as InstanceType<typeof OpenAI.APIError>).code).toBe('file_too_large');
    expect(tooBig.cost).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('refunds the hold when the provider fails', async () => {
    fake.failNext(1, '503');
    const res = await charged(() =>
      client.audio.speech.create({ model: 'tts-1', input: 'hello', voice: 'alloy' }),
    );
    expect((res.result as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(res.cost).toBe(0);
    expect(res.newLogs).toHaveLength(1);
    expect(res.newLogs[0].quota).toBe(0);
  });
});
