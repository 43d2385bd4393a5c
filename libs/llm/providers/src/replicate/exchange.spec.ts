/**
 * The exchange hook against the fake Replicate of @one-api/llm-testing, with real HTTP (undici, as the relay sends):
 * create with `Prefer: wait`, create-then-poll, the prediction's SSE stream plus the finished prediction, a failed
 * prediction, and cancellation while polling.
 */
import { request } from 'undici';
import type { CanonicalRequest, StreamEvent, UpstreamChannel, UpstreamIo } from '@one-api/llm-core';
import {
  predictReplicateUsage,
  REPLICATE_FAIL_TRIGGER,
  startFakeReplicate,
  type FakeProvider,
} from '@one-api/llm-testing';
import { replicateAdapter } from './adapter';
import { replicateExchange } from './exchange';

function ioFor(signal: AbortSignal = new AbortController().signal): UpstreamIo {
  return {
    send: async (call) => {
      const res = await request(call.url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal,
      });
      return { statusCode: res.statusCode, headers: res.headers, body: res.body };
    },
    signal,
    now: () => Date.now(),
    cache: new Map(),
  };
}

const hello: CanonicalRequest = {
  model: 'meta/meta-llama-3-8b-instruct',
  system: [{ type: 'text', text: 'Be nice.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
  sampling: { maxTokens: 100 },
  stream: false,
};

const fast = { initialIntervalMs: 5, maxIntervalMs: 20, deadlineMs: 5000 };

async function decodeBody(body: AsyncIterable<Uint8Array>): Promise<StreamEvent[]> {
  const decoder = replicateAdapter.createStreamDecoder();
  const events: StreamEvent[] = [];
  for await (const chunk of body) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events;
}

describe('Replicate exchange against the fake Replicate', () => {
  const fakes: FakeProvider[] = [];
  const start = async (opts: Parameters<typeof startFakeReplicate>[0] = {}) => {
    const fake = await startFakeReplicate({ apiKey: 'r8_test', ...opts });
    fakes.push(fake);
    const channel: UpstreamChannel = {
      type: 46,
      baseUrl: `${fake.url}/v1/models/`,
      key: 'r8_test',
      config: {},
    };
    return { fake, channel };
  };
  afterAll(() => Promise.all(fakes.map((f) => f.close())));

  it('gets the finished prediction from the create call when Replicate honours Prefer: wait', async () => {
    const { fake, channel } = await start();
    const built = replicateAdapter.buildRequest(hello, channel);
    const res = await replicateExchange(built, channel, ioFor(), fast);
    expect(res.statusCode).toBe(200);
    const response = replicateAdapter.parseResponse(JSON.parse(await res.body.text()));
    expect(response.content).toEqual([
      { type: 'text', text: 'Hello! This is fake-replicate answering: Say hello' },
    ]);
    const usage = predictReplicateUsage(fake.requests[0].body);
    expect(response.usage).toMatchObject({ inputTokens: usage.input, outputTokens: usage.output });
    expect(fake.requests.map((r) => r.method)).toEqual(['POST']);
    expect(fake.requests[0].path).toBe('/v1/models/meta/meta-llama-3-8b-instruct/predictions');
  });

  it('polls the prediction until it succeeds when the create call answers at once', async () => {
    const { fake, channel } = await start({ preferWait: false, pollsBeforeDone: 3 });
    const res = await replicateExchange(
      replicateAdapter.buildRequest(hello, channel),
      channel,
      ioFor(),
      fast,
    );
    const prediction = JSON.parse(await res.body.text());
    expect(prediction.status).toBe('succeeded');
    expect(fake.requests.map((r) => `${r.method} ${r.path.replace(/[^/]+$/, ':id')}`)).toEqual([
      'POST /v1/models/meta/meta-llama-3-8b-instruct/:id',
      // three polls see starting / processing, the fourth the finished prediction
      'GET /v1/predictions/:id',
      'GET /v1/predictions/:id',
      'GET /v1/predictions/:id',
      'GET /v1/predictions/:id',
    ]);
    expect(fake.requests[1].headers.authorization).toBe('Bearer r8_test');
  });

  it('follows the stream URL and appends the finished prediction for the token counts', async () => {
    const { fake, channel } = await start({ preferWait: false });
    const built = replicateAdapter.buildRequest({ ...hello, stream: true }, channel);
    const res = await replicateExchange(built, channel, ioFor(), fast);
    expect(res.headers['content-type']).toBe('text/event-stream');
    const events = await decodeBody(res.body);
    const text = events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
    expect(text).toBe('Hello! This is fake-replicate answering: Say hello');
    const usage = predictReplicateUsage(fake.requests[0].body);
    expect(events.slice(-2)).toEqual([
      {
        type: 'usage',
        usage: expect.objectContaining({ inputTokens: usage.input, outputTokens: usage.output }),
      },
      { type: 'finish', reason: 'stop', raw: null },
    ]);
    expect(fake.requests[1]).toMatchObject({ method: 'GET', headers: { accept: 'text/event-stream' } });
    expect(fake.requests[1].path).toMatch(/^\/v1\/streams\//);
  });

  it('answers a failed prediction with 502 and its error, which parseError maps to a retryable upstream fault', async () => {
    const { channel } = await start({ preferWait: false });
    const failing: CanonicalRequest = {
      ...hello,
      messages: [{ role: 'user', content: [{ type: 'text', text: `crash ${REPLICATE_FAIL_TRIGGER}` }] }],
    };
    const res = await replicateExchange(
      replicateAdapter.buildRequest(failing, channel),
      channel,
      ioFor(),
      fast,
    );
    expect(res.statusCode).toBe(502);
    const error = replicateAdapter.parseError(res.statusCode, await res.body.text());
    expect({ kind: error.kind, retryable: error.retryable, message: error.message }).toEqual({
      kind: 'upstream',
      retryable: true,
      message: expect.stringContaining('out of memory'),
    });
  });

  it('answers 502 for a stream whose prediction fails before its first output (another channel may serve it)', async () => {
    const { channel } = await start({ failPredictions: true });
    const res = await replicateExchange(
      replicateAdapter.buildRequest({ ...hello, stream: true }, channel),
      channel,
      ioFor(),
      fast,
    );
    expect(res.statusCode).toBe(502);
    const error = replicateAdapter.parseError(res.statusCode, await res.body.text());
    expect({ kind: error.kind, retryable: error.retryable }).toEqual({ kind: 'upstream', retryable: true });
    expect(error.message).toContain('out of memory');
  });

  it('hands over an HTTP error of the create call as it came', async () => {
    const { fake, channel } = await start();
    fake.failNext(1, '429:1');
    const res = await replicateExchange(
      replicateAdapter.buildRequest(hello, channel),
      channel,
      ioFor(),
      fast,
    );
    expect(res.statusCode).toBe(429);
    const error = replicateAdapter.parseError(res.statusCode, await res.body.text(), res.headers);
    expect({ kind: error.kind, wait: error.retryAfterMs }).toEqual({ kind: 'rate-limit', wait: 1000 });
  });

  it('stops polling when the caller goes away', async () => {
    const { fake, channel } = await start({ preferWait: false, pollsBeforeDone: 1000 });
    const abort = new AbortController();
    const pending = replicateExchange(
      replicateAdapter.buildRequest(hello, channel),
      channel,
      ioFor(abort.signal),
      {
        ...fast,
        maxIntervalMs: 5,
      },
    );
    setTimeout(() => abort.abort(), 60);
    await expect(pending).rejects.toThrow();
    // a poll aborted in flight may still reach the fake: count once things settled, then check nothing follows
    await new Promise((r) => setTimeout(r, 30));
    const polls = fake.requests.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.requests.length).toBe(polls);
  });

  it('gives up with a timeout error after the deadline', async () => {
    const { channel } = await start({ preferWait: false, pollsBeforeDone: 1000 });
    await expect(
      replicateExchange(replicateAdapter.buildRequest(hello, channel), channel, ioFor(), {
        initialIntervalMs: 5,
        maxIntervalMs: 5,
        deadlineMs: 40,
      }),
    ).rejects.toMatchObject({ kind: 'timeout' });
  });
});
