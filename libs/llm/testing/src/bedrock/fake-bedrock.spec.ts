import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { request } from 'undici';
import type { FakeProvider } from '../core/fake-server';
import { decodeEventStreamMessages } from './event-stream';
import { FAKE_BEDROCK_ACCESS_KEY_ID, FAKE_BEDROCK_SECRET_ACCESS_KEY, startFakeBedrock } from './fake-bedrock';
import { predictConverseUsage } from './converse';

type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Data) =>
  typeof d === 'string'
    ? Buffer.from(d)
    : ArrayBuffer.isView(d)
      ? Buffer.from(d.buffer, d.byteOffset, d.byteLength)
      : Buffer.from(d);

class Sha256 {
  private h: Hash | Hmac;
  constructor(secret?: Data) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(d: Data) {
    this.h.update(bytes(d));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

/** A JSON POST to the fake, signed like the AWS SDK signs Bedrock calls. */
async function signedCall(
  base: string,
  path: string,
  body: unknown,
  secret = FAKE_BEDROCK_SECRET_ACCESS_KEY,
  region = 'us-east-1',
) {
  const url = new URL(`${base}${path}`);
  const text = JSON.stringify(body);
  const signer = new SignatureV4({
    service: 'bedrock',
    region,
    credentials: { accessKeyId: FAKE_BEDROCK_ACCESS_KEY_ID, secretAccessKey: secret },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'content-type': 'application/json' },
    body: text,
  });
  return request(url, { method: 'POST', headers: signed.headers, body: text });
}

async function signedPost(...args: Parameters<typeof signedCall>) {
  const res = await signedCall(...args);
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

const hello = { messages: [{ role: 'user', content: [{ text: 'Say hello' }] }] };

describe('fake Bedrock', () => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startFakeBedrock();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('answers Converse and records the request', async () => {
    const res = await signedPost(fake.url, '/model/amazon.nova-lite-v1%3A0/converse', hello);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body.toString());
    expect(body).toMatchObject({
      output: { message: { role: 'assistant', content: [{ text: expect.stringContaining('Say hello') }] } },
      stopReason: 'end_turn',
      usage: predictConverseUsage(hello),
      metrics: { latencyMs: expect.any(Number) },
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/model/amazon.nova-lite-v1%3A0/converse',
    });
  });

  it('streams ConverseStream as event-stream messages with valid CRCs', async () => {
    const res = await signedPost(fake.url, '/model/amazon.nova-lite-v1%3A0/converse-stream', hello);
    expect(res.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    const messages = decodeEventStreamMessages(res.body);
    const types = messages.map((m) => m.headers[':event-type']);
    expect(types[0]).toBe('messageStart');
    expect(types.slice(-2)).toEqual(['messageStop', 'metadata']);
    expect(messages.every((m) => m.headers[':message-type'] === 'event')).toBe(true);
    const text = messages
      .filter((m) => m.headers[':event-type'] === 'contentBlockDelta')
      .map((m) => JSON.parse(m.payload).delta.text)
      .join('');
    expect(text).toContain('Say hello');
  });

  it('wraps Claude stream events in base64 chunks, metrics on message_stop', async () => {
    const res = await signedPost(
      fake.url,
      '/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream',
      {
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Hi' }],
      },
    );
    expect(res.status).toBe(200);
    const events = decodeEventStreamMessages(res.body).map(
      (m) =>
        JSON.parse(Buffer.from(JSON.parse(m.payload).bytes, 'base64').toString()) as Record<string, unknown>,
    );
    expect(events[0]).toMatchObject({
      type: 'message_start',
      message: { model: 'claude-haiku-4-5-20251001' },
    });
    expect(events.at(-1)).toMatchObject({
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': {
        inputTokenCount: expect.any(Number),
        outputTokenCount: expect.any(Number),
      },
    });
  });

  it('refuses what Bedrock refuses: a model key on invoke, a conversation not alternating, Claude bodies on Nova', async () => {
    const claude = '/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke';
    const withModel = await signedPost(fake.url, claude, {
      anthropic_version: 'bedrock-2023-05-31',
      model: 'claude',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(withModel.status).toBe(400);
    expect(withModel.headers['x-amzn-errortype']).toMatch(/^ValidationException:/);
    expect(JSON.parse(withModel.body.toString()).message).toMatch(
      /extraneous key \[model\] is not permitted/,
    );
    const twoUsers = await signedPost(fake.url, '/model/amazon.nova-lite-v1%3A0/converse', {
      messages: [hello.messages[0], hello.messages[0]],
    });
    expect(JSON.parse(twoUsers.body.toString()).message).toMatch(/must alternate between user and assistant/);
    const invokeNova = await signedPost(fake.url, '/model/amazon.nova-lite-v1%3A0/invoke', hello);
    expect(invokeNova.status).toBe(400);
  });

  it('refuses a beta flag Bedrock does not know with "invalid beta flag"', async () => {
    const path = '/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke';
    const body = {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    };
    const known = await signedPost(fake.url, path, {
      ...body,
      anthropic_beta: ['interleaved-thinking-2025-05-14'],
    });
    expect(known.status).toBe(200);
    const unknown = await signedPost(fake.url, path, { ...body, anthropic_beta: ['claude-code-20250219'] });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body.toString())).toEqual({ message: 'invalid beta flag' });
  });

  it('refuses a wrong secret, a wrong region scope and an unsigned call', async () => {
    const wrong = await signedPost(fake.url, '/model/amazon.nova-lite-v1%3A0/converse', hello, 'nope');
    expect(wrong.status).toBe(403);
    expect(wrong.headers['x-amzn-errortype']).toMatch(/^InvalidSignatureException:/);
    expect(JSON.parse(wrong.body.toString()).message).toMatch(
      /^The request signature we calculated does not match/,
    );
    const region = await signedPost(
      fake.url,
      '/model/amazon.nova-lite-v1%3A0/converse',
      hello,
      undefined,
      'eu-west-1',
    );
    expect(region.headers['x-amzn-errortype']).toMatch(/^InvalidSignatureException:/);
    const unsigned = await request(`${fake.url}/model/amazon.nova-lite-v1%3A0/converse`, {
      method: 'POST',
      body: JSON.stringify(hello),
    });
    await unsigned.body.text();
    expect(unsigned.statusCode).toBe(403);
    expect(unsigned.headers['x-amzn-errortype']).toMatch(/^MissingAuthenticationTokenException:/);
  });

  it('answers status faults in Bedrock shape, by URL prefix too (signed over the prefixed path)', async () => {
    fake.failNext(1, '429:2');
    const throttled = await signedPost(fake.url, '/model/amazon.nova-lite-v1%3A0/converse', hello);
    expect(throttled.status).toBe(429);
    expect(throttled.headers['x-amzn-errortype']).toMatch(/^ThrottlingException:/);
    expect(throttled.headers['retry-after']).toBe('2');
    const unavailable = await signedPost(
      fake.url,
      '/_fault/503/model/amazon.nova-lite-v1%3A0/converse',
      hello,
    );
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['x-amzn-errortype']).toMatch(/^ServiceUnavailableException:/);
  });

  it('cut:<n> ends a stream after n whole messages without its end', async () => {
    fake.failNext(1, 'cut:2');
    const received: Buffer[] = [];
    const failed = await (async () => {
      // read chunk by chunk so what arrived before the cut is kept
      const res = await signedCall(fake.url, '/model/amazon.nova-lite-v1%3A0/converse-stream', hello);
      try {
        for await (const chunk of res.body) received.push(chunk as Buffer);
        return false;
      } catch {
        return true;
      }
    })();
    expect(failed).toBe(true);
    expect(decodeEventStreamMessages(Buffer.concat(received)).map((m) => m.headers[':event-type'])).toEqual([
      'messageStart',
      'contentBlockDelta',
    ]);
  });
});
