import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { FakeProvider } from '../core/fake-server';
import { startFakeOpenAI } from './fake-openai';

const messages = [{ role: 'user' as const, content: 'hi' }];
/** Events of the stream answer to "hi": role chunk, 6 words, finish chunk, usage chunk (then [DONE]). */
const HI_STREAM_EVENTS = 9;

function sdk(baseURL: string, timeout?: number): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, timeout });
}

/** fetch's errors come from Node's realm, not Jest's: check the shape instead of `instanceof Error`. */
function expectBrokenStream(err: unknown): void {
  expect(err).toMatchObject({ name: 'TypeError', message: 'terminated' });
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Reads a raw stream until it ends or breaks; returns the text received and whether it broke. */
async function readRaw(
  url: string,
  body: unknown,
): Promise<{ text: string; reads: string[]; broke: boolean }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const reads: string[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: reads.join(''), reads, broke: false };
      reads.push(decoder.decode(value, { stream: true }));
    }
  } catch {
    return { text: reads.join(''), reads, broke: true };
  }
}

const events = (raw: string) => raw.split('\n\n').filter((e) => e !== '');

describe('fake OpenAI: faults', () => {
  let fake: FakeProvider;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = sdk(`${fake.url}/v1`);
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const chat = (c = client) => c.chat.completions.create({ model: 'gpt-4o', messages });

  describe('status codes in OpenAI error JSON', () => {
    it('429 → RateLimitError with Retry-After and rate_limit_exceeded', async () => {
      fake.setFault('429');
      const err = (await caught(chat())) as InstanceType<typeof OpenAI.RateLimitError>;
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(err).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests', param: null });
      expect(err.message).toMatch(/Rate limit reached for gpt-4o/);
      expect(err.headers?.get('retry-after')).toBe('1');

      fake.setFault({ kind: 'status', status: 429, retryAfterSeconds: 7 });
      const later = (await caught(chat())) as InstanceType<typeof OpenAI.RateLimitError>;
      expect(later.headers?.get('retry-after')).toBe('7');
    });

    it.each([
      [500, OpenAI.InternalServerError, 'server_error', null],
      [503, OpenAI.InternalServerError, 'server_error', null],
      [401, OpenAI.AuthenticationError, 'invalid_request_error', 'invalid_api_key'],
      [400, OpenAI.BadRequestError, 'invalid_request_error', 'context_length_exceeded'],
      [502, OpenAI.InternalServerError, 'server_error', null],
    ])('%i → the SDK error class, type and code', async (status, cls, type, code) => {
      fake.setFault(String(status));
      const err = await caught(chat());
      expect(err).toBeInstanceOf(cls);
      expect(err).toMatchObject({ status, type, code });
    });

    it('answers a stream request with the JSON error, not a stream', async () => {
      fake.setFault('500');
      const res = await fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer k' },
        body: JSON.stringify({ model: 'gpt-4o', stream: true, messages }),
      });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({
        error: {
          message: 'The server had an error while processing your request. Sorry about that!',
          type: 'server_error',
          param: null,
          code: null,
        },
      });
    });
  });

  it('hang: accepts the request and never answers (the SDK times out)', async () => {
    fake.setFault('hang');
    const started = Date.now();
    const err = await caught(
      sdk(`${fake.url}/v1`, 300).chat.completions.create({ model: 'gpt-4o', messages }),
    );
    // Under Jest the SDK cannot recognise Node's AbortError across realms, so it reports the timeout as a plain
    // APIConnectionError (APIConnectionTimeoutError's parent class); what matters is nothing came back in 300 ms.
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ fault: 'hang', body: { model: 'gpt-4o' } });
  });

  it('refuse: destroys the socket at once (APIConnectionError, not a timeout)', async () => {
    fake.setFault('refuse');
    const err = await caught(
      sdk(`${fake.url}/v1`, 5000).chat.completions.create({ model: 'gpt-4o', messages }),
    );
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(err).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(fake.requests[0]).toMatchObject({ fault: 'refuse', path: '/v1/chat/completions', rawBody: '' });
  });

  describe('cut:<n>', () => {
    it('streams n chunks then drops the connection: the SDK iterator throws after n chunks', async () => {
      fake.setFault('cut:3');
      const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
      const got: ChatCompletionChunk[] = [];
      const err = await caught(
        (async () => {
          for await (const c of stream) got.push(c);
        })(),
      );
      expectBrokenStream(err);
      expect(got).toHaveLength(3);
      expect(got[0].choices[0].delta.role).toBe('assistant');
    });

    it('never sends [DONE], even when n exceeds the events', async () => {
      const body = { model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } };
      fake.setFault('cut:2');
      const two = await readRaw(`${fake.url}/v1/chat/completions`, body);
      expect(two.broke).toBe(true);
      expect(events(two.text)).toHaveLength(2);
      expect(two.text).not.toContain('[DONE]');

      fake.setFault('cut:1000');
      const all = await readRaw(`${fake.url}/v1/chat/completions`, body);
      expect(all.broke).toBe(true);
      expect(events(all.text)).toHaveLength(HI_STREAM_EVENTS);
      expect(all.text).toContain('"usage":{"prompt_tokens"');
      expect(all.text).not.toContain('[DONE]');
    });

    it('cut:0 sends the headers only; a non-stream answer is cut halfway', async () => {
      fake.setFault('cut:0');
      const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
      const got: unknown[] = [];
      const err = await caught(
        (async () => {
          for await (const c of stream) got.push(c);
        })(),
      );
      expectBrokenStream(err);
      expect(got).toHaveLength(0);

      expectBrokenStream(await caught(chat()));
    });
  });

  it('slow:<ms> delays every stream event, written one at a time', async () => {
    fake.setFault('slow:30');
    const started = Date.now();
    const res = await readRaw(`${fake.url}/v1/chat/completions`, {
      model: 'gpt-4o',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const elapsed = Date.now() - started;
    expect(res.broke).toBe(false);
    expect(events(res.reads[0])).toHaveLength(1);
    expect(events(res.text)).toHaveLength(HI_STREAM_EVENTS + 1);
    // A sleep before each of the 10 events (the [DONE] included).
    expect(elapsed).toBeGreaterThanOrEqual(10 * 30 - 10);
  });

  it('latencyMs delays the answer', async () => {
    const slow = await startFakeOpenAI({ latencyMs: 120 });
    try {
      const started = Date.now();
      await chat(sdk(`${slow.url}/v1`));
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    } finally {
      await slow.close();
    }
  });

  it('failNext(count) fails only the next requests, ahead of setFault', async () => {
    fake.failNext(2, '500');
    await expect(chat()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(chat()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(chat()).resolves.toMatchObject({ object: 'chat.completion' });

    fake.setFault('503');
    fake.failNext(1, '429');
    await expect(chat()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(chat()).rejects.toMatchObject({ status: 503 });
    fake.setFault(null);
    await expect(chat()).resolves.toMatchObject({ object: 'chat.completion' });
    expect(fake.requests.map((r) => r.fault)).toEqual(['500', '500', undefined, '429', '503', undefined]);
  });

  describe('URL prefix /_fault/<spec>/v1/...', () => {
    it('applies the spec from the base URL and records the plain path', async () => {
      expect(fake.faultUrl('429')).toBe(`${fake.url}/_fault/429`);
      const err = await caught(chat(sdk(`${fake.faultUrl('429')}/v1`)));
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(fake.requests[0]).toMatchObject({
        path: '/v1/chat/completions',
        url: '/_fault/429/v1/chat/completions',
        fault: '429',
      });
    });

    it('combines faults and wins over failNext without consuming it', async () => {
      fake.failNext(1, '500');
      const res = await readRaw(`${fake.faultUrl('slow:5,cut:2')}/v1/chat/completions`, {
        model: 'gpt-4o',
        messages,
        stream: true,
      });
      expect(res.broke).toBe(true);
      expect(events(res.text)).toHaveLength(2);
      await expect(chat()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
      expect(fake.requests.map((r) => r.fault)).toEqual(['slow:5,cut:2', '500']);
    });

    it('refuses an unknown spec with a 400 naming it', async () => {
      const err = await caught(chat(sdk(`${fake.url}/_fault/bogus/v1`)));
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as Error).message).toMatch(/Unknown fault spec "bogus"/);
    });

    it('rejects bad programmatic faults', () => {
      expect(() => fake.setFault('cut')).toThrow(/cut:<chunks>/);
      expect(() => fake.failNext(0, '500')).toThrow(/positive integer/);
      expect(() => fake.setFault({ kind: 'status', status: 200 })).toThrow(/400-599/);
    });
  });

  it('close() ends hung and streaming connections', async () => {
    const own = await startFakeOpenAI();
    own.setFault('hang');
    const hung = caught(chat(sdk(`${own.url}/v1`, 30_000)));
    own.setFault('slow:1000');
    const stream = readRaw(`${own.url}/v1/chat/completions`, { model: 'm', messages, stream: true });
    while (own.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
    await own.close();
    expect(await hung).toBeInstanceOf(OpenAI.APIConnectionError);
    expect((await stream).broke).toBe(true);
  });
});
