/** The adapter against the fake Ollama of @one-api/llm-testing: build → fetch → parse / decode NDJSON. */
import type { CanonicalRequest, StreamEvent, UpstreamChannel } from '@one-api/llm-core';
import { predictOllamaUsage, startFakeOllama, type FakeProvider } from '@one-api/llm-testing';
import { ollamaAdapter } from './adapter';
import { fixtureJson } from './fixtures/read-fixture';

let fake: FakeProvider;
let channel: UpstreamChannel;

beforeAll(async () => {
  fake = await startFakeOllama({ models: ['llama3.2'] });
  channel = { type: 30, baseUrl: fake.url, key: '', config: {} };
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function call(request: CanonicalRequest) {
  const built = ollamaAdapter.buildRequest(request, channel);
  const res = await fetch(built.url, { method: built.method, headers: built.headers, body: built.body });
  return { res, text: await res.text() };
}

const hello: CanonicalRequest = {
  model: 'llama3.2',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
  sampling: { maxTokens: 64 },
  stream: false,
};

describe('Ollama adapter against the fake Ollama', () => {
  it('gets one JSON object when stream is false', async () => {
    const { res, text } = await call(hello);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const response = ollamaAdapter.parseResponse(JSON.parse(text));
    expect(response.content).toEqual([
      { type: 'text', text: 'Hello! This is fake-ollama answering: Say hello' },
    ]);
    const predicted = predictOllamaUsage(fake.requests[0].body);
    expect(response.usage).toMatchObject({ inputTokens: predicted.input, outputTokens: predicted.output });
  });

  it('streams NDJSON, split into one-byte chunks', async () => {
    const { res, text } = await call({ ...hello, stream: true, reasoning: { enabled: true } });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const decoder = ollamaAdapter.createStreamDecoder();
    const events: StreamEvent[] = [];
    for (const byte of Buffer.from(text)) events.push(...decoder.push(Uint8Array.of(byte)));
    events.push(...decoder.end());
    expect(
      events
        .filter((e) => e.type === 'text-delta')
        .map((e) => (e.type === 'text-delta' ? e.text : ''))
        .join(''),
    ).toBe('Hello! This is fake-ollama answering: Say hello');
    expect(events.some((e) => e.type === 'reasoning-delta')).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop', raw: 'stop' });
  });

  it('replays the recorded tool history (object arguments, tool_name) and gets a tool call back', async () => {
    const request = fixtureJson<CanonicalRequest>('canonical-request-tools-history.json');
    const { res, text } = await call({
      ...request,
      model: 'llama3.2',
      responseFormat: undefined,
      reasoning: undefined,
      messages: [
        ...request.messages.slice(0, 3),
        { role: 'user', content: [{ type: 'text', text: 'call get_current_weather' }] },
      ],
    });
    expect(res.status).toBe(200);
    const response = ollamaAdapter.parseResponse(JSON.parse(text));
    expect(response.content[0]).toMatchObject({ type: 'tool-call', name: 'get_current_weather' });
    expect(response.finishReason.reason).toBe('tool_calls');
  });

  it('maps a model that is not pulled and a cut stream', async () => {
    const missing = await call({ ...hello, model: 'llama3.3' });
    expect(ollamaAdapter.parseError(missing.res.status, missing.text)).toMatchObject({ kind: 'not-found' });
    fake.failNext(1, 'cut:2');
    const built = ollamaAdapter.buildRequest({ ...hello, stream: true }, channel);
    const res = await fetch(built.url, { method: 'POST', headers: built.headers, body: built.body });
    const decoder = ollamaAdapter.createStreamDecoder();
    const events: StreamEvent[] = [];
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) events.push(...decoder.push(chunk));
    } catch {
      // the fake destroyed the socket
    }
    events.push(...decoder.end());
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'upstream' } });
  });
});
