/**
 * The adapter against the fake Cohere of @one-api/llm-testing (which refuses OpenAI field names and unknown roles):
 * build → fetch → parse / decode, tools, history and errors included.
 */
import type { CanonicalRequest, StreamEvent, UpstreamChannel } from '@one-api/llm-core';
import { predictCohereUsage, startFakeCohere, type FakeProvider } from '@one-api/llm-testing';
import { cohereAdapter } from './adapter';
import { fixtureJson } from './fixtures/read-fixture';
import { buildCohereRerankRequest, parseCohereRerankResponse } from './rerank';

let fake: FakeProvider;
let channel: UpstreamChannel;

beforeAll(async () => {
  fake = await startFakeCohere({ apiKey: 'co-test' });
  channel = { type: 35, baseUrl: fake.url, key: 'co-test', config: {} };
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function call(request: CanonicalRequest, ch = channel) {
  const built = cohereAdapter.buildRequest(request, ch);
  const res = await fetch(built.url, { method: built.method, headers: built.headers, body: built.body });
  return { res, text: await res.text() };
}

function decode(text: string): StreamEvent[] {
  const decoder = cohereAdapter.createStreamDecoder();
  return [...decoder.push(text), ...decoder.end()];
}

const hello: CanonicalRequest = {
  model: 'command-a-03-2025',
  system: [{ type: 'text', text: 'Be brief.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
  sampling: { maxTokens: 100, temperature: 0.5 },
  stream: false,
};

describe('Cohere adapter against the fake Cohere', () => {
  it('completes a chat and bills the billed units the fake reported', async () => {
    const { res, text } = await call(hello);
    expect(res.status).toBe(200);
    const response = cohereAdapter.parseResponse(JSON.parse(text));
    expect(response.content).toEqual([
      { type: 'text', text: 'Hello! This is fake-cohere answering: Say hello' },
    ]);
    expect(response.finishReason).toEqual({ reason: 'stop', raw: 'COMPLETE' });
    const predicted = predictCohereUsage(fake.requests[0].body);
    expect(response.usage).toMatchObject({ inputTokens: predicted.input, outputTokens: predicted.output });
  });

  it('streams the same answer', async () => {
    const { res, text } = await call({ ...hello, stream: true });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = decode(text);
    const joined = events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
    expect(joined).toBe('Hello! This is fake-cohere answering: Say hello');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop', raw: 'COMPLETE' });
  });

  it('replays a tool history and streams the forced tool call', async () => {
    const request = fixtureJson<CanonicalRequest>('canonical-request-tools-history.json');
    const { res, text } = await call({ ...request, stream: true });
    expect(res.status).toBe(200);
    const events = decode(text);
    const start = events.find((e) => e.type === 'tool-call-start');
    expect(start).toMatchObject({
      index: 0,
      name: 'get_weather',
      id: expect.stringMatching(/^get_weather_/),
    });
    const args = events.map((e) => (e.type === 'tool-call-delta' ? e.argumentsDelta : '')).join('');
    expect(JSON.parse(args)).toEqual({ location: expect.any(String) });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls', raw: 'TOOL_CALL' });
  });

  it('maps a bad key and an injected 429 to gateway errors', async () => {
    const bad = await call(hello, { ...channel, key: 'wrong' });
    expect(cohereAdapter.parseError(bad.res.status, bad.text).kind).toBe('auth');
    fake.failNext(1, '429:2');
    const limited = await call(hello);
    const error = cohereAdapter.parseError(limited.res.status, limited.text, {
      'retry-after': limited.res.headers.get('retry-after') ?? undefined,
    });
    expect({ kind: error.kind, wait: error.retryAfterMs }).toEqual({ kind: 'rate-limit', wait: 2000 });
  });

  it('reranks through the provider-lib builder and parser', async () => {
    const built = buildCohereRerankRequest(
      {
        model: 'rerank-v3.5',
        query: 'capital of France',
        documents: ['Berlin is big', 'Paris is the capital of France'],
        topN: 1,
      },
      channel,
    );
    const res = await fetch(built.url, { method: 'POST', headers: built.headers, body: built.body });
    const parsed = parseCohereRerankResponse(await res.json());
    expect(parsed.results.map((r) => r.index)).toEqual([1]);
    expect(parsed.searchUnits).toBe(1);
  });
});
