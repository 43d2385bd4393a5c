import Anthropic from '@anthropic-ai/sdk';
import type { FakeProvider } from '../core/fake-server';
import type { AnthropicErrorBody } from './errors';
import { startFakeAnthropic } from './fake-anthropic';
import { ANTHROPIC_REPLY_PREFIX } from './reply';

const params = {
  model: 'claude-haiku-4-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Tell me a story about a fox' }],
};

describe('fake Anthropic: faults', () => {
  let fake: FakeProvider;
  let client: Anthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('answers 529 overloaded_error in Anthropic shape', async () => {
    fake.failNext(1, '529');
    const error = await client.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error).toMatchObject({
      status: 529,
      error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    await expect(client.messages.create(params)).resolves.toMatchObject({ type: 'message' });
  });

  it('answers 429 rate_limit_error with retry-after and rate-limit headers', async () => {
    fake.setFault('429:7');
    const error = await client.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rate = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rate.headers.get('retry-after')).toBe('7');
    expect(rate.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(rate.error).toMatchObject({ error: { type: 'rate_limit_error' } });
    fake.setFault(null);
  });

  it.each([
    ['400', 400, 'invalid_request_error', /^prompt is too long: \d+ tokens > 200000 maximum$/],
    ['401', 401, 'authentication_error', /invalid x-api-key/],
    ['403', 403, 'permission_error', /permission/],
    ['413', 413, 'request_too_large', /maximum allowed number of bytes/],
    ['500', 500, 'api_error', /Internal server error/],
    ['504', 504, 'timeout_error', /timed out/],
    ['503', 503, 'api_error', /HTTP 503/],
  ])('a %s fault answers HTTP %i %s', async (spec, status, type, message) => {
    const res = await fetch(`${fake.faultUrl(spec)}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(params),
    });
    expect(res.status).toBe(status);
    const body = (await res.json()) as AnthropicErrorBody;
    expect(body).toMatchObject({ type: 'error', error: { type } });
    expect(body.error.message).toMatch(message);
    expect(fake.requests.at(-1)?.fault).toBe(spec);
  });

  it('cut:<n> ends a stream after n events without message_stop, and the SDK sees an error', async () => {
    fake.failNext(1, 'cut:4');
    const res = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...params, stream: true }),
    });
    let text = '';
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // the fake destroyed the socket: what arrived before is what counts
    }
    expect(
      text
        .split('\n\n')
        .filter(Boolean)
        .map((f) => f.split('\n')[0]),
    ).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: ping',
      'event: content_block_delta',
    ]);
    fake.failNext(1, 'cut:3');
    await expect(client.messages.stream({ ...params }).finalMessage()).rejects.toThrow();
  });

  it('slow:<ms> paces every stream event', async () => {
    fake.failNext(1, 'slow:20');
    const started = Date.now();
    const message = await client.messages
      .stream({ ...params, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    // message_start, block start, ping, one delta per word, block stop, message_delta, message_stop
    const events = 6 + `${ANTHROPIC_REPLY_PREFIX}hi`.split(' ').length;
    expect(Date.now() - started).toBeGreaterThanOrEqual(events * 20 - 5);
  });

  it('hang holds the request until the client gives up', async () => {
    fake.failNext(1, 'hang');
    const impatient = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, timeout: 200 });
    await expect(impatient.messages.create(params)).rejects.toBeInstanceOf(
      Anthropic.APIConnectionTimeoutError,
    );
  });
});
