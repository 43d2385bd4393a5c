/**
 * The adapter against the fake Gemini of @one-api/llm-testing (which refuses what Gemini refuses: unknown schema
 * keywords, missing thought signatures on Gemini 3, ...): build → fetch → parse / decode, tools and history included.
 */
import type { AssistantPart, CanonicalRequest, StreamEvent, UpstreamChannel } from '@one-api/llm-core';
import { fakeThoughtSignature, startFakeGemini, type FakeProvider } from '@one-api/llm-testing';
import { geminiAdapter } from './adapter';
import { fixtureJson } from './fixtures/read-fixture';

async function send(request: CanonicalRequest, channel: UpstreamChannel) {
  const built = geminiAdapter.buildRequest(request, channel);
  const res = await fetch(built.url, { method: built.method, headers: built.headers, body: built.body });
  return { res, built };
}

async function complete(request: CanonicalRequest, channel: UpstreamChannel) {
  const { res } = await send(request, channel);
  const text = await res.text();
  if (res.status !== 200) throw geminiAdapter.parseError(res.status, text);
  return geminiAdapter.parseResponse(JSON.parse(text));
}

async function stream(request: CanonicalRequest, channel: UpstreamChannel): Promise<StreamEvent[]> {
  const { res } = await send({ ...request, stream: true }, channel);
  expect(res.status).toBe(200);
  const decoder = geminiAdapter.createStreamDecoder();
  const events: StreamEvent[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      events.push(...decoder.push(value));
    }
  } catch {
    // The connection broke (cut fault): the decoder decides what the partial stream was worth.
  }
  events.push(...decoder.end());
  return events;
}

const tools: CanonicalRequest['tools'] = [
  {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        city: { type: 'string', format: 'uri-reference' },
        unit: { anyOf: [{ type: 'string', enum: ['c', 'f'] }, { type: 'null' }] },
        days: { type: 'array' },
      },
      required: ['city'],
      additionalProperties: false,
    },
  },
  { name: 'get_time', parameters: { type: 'object', properties: {} } },
];

describe('Gemini adapter against the fake Gemini', () => {
  let fake: FakeProvider;
  let channel: UpstreamChannel;
  beforeAll(async () => {
    fake = await startFakeGemini({ apiKey: 'AIza-right', thoughtSignatures: 'always' });
    channel = { type: 24, baseUrl: fake.url, key: 'AIza-right', config: {} };
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('accepts the tools + history fixture (cleaned schemas, restored and skip signatures) and answers it', async () => {
    const request = fixtureJson<CanonicalRequest>('canonical-request-tools-history.json');
    // Signatures the fake issued stand in for Gemini's own.
    const history = JSON.parse(
      JSON.stringify(request).replace(
        /gemini:[A-Za-z0-9+/=]+/g,
        `gemini:${fakeThoughtSignature('get_current_weather')}`,
      ),
    ) as CanonicalRequest;
    const response = await complete(history, channel);
    expect(response.content).toEqual([
      {
        type: 'reasoning',
        text: 'Thinking about: {"temperature":14,"unit":"celsius"} weather service unavailable',
      },
      {
        type: 'text',
        text: 'Hello! This is fake-gemini answering: tool result: {"temperature":14,"unit":"celsius"} weather service unavailable',
      },
    ]);
    expect(fake.requests[0].path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(fake.requests[0].headers['x-goog-api-key']).toBe('AIza-right');
  });

  it('round-trips a function call: its signature comes back to the fake on the next turn', async () => {
    const first: CanonicalRequest = {
      model: 'gemini-3-flash-preview',
      system: [{ type: 'text', text: 'Use tools.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: "What's the weather in Paris?" }] }],
      tools,
      toolChoice: 'auto',
      reasoning: { effort: 'low' },
      sampling: {},
      stream: false,
    };
    const answer = await complete(first, channel);
    expect(answer.finishReason).toEqual({ reason: 'tool_calls', raw: 'STOP' });
    const call = answer.content.find((part) => part.type === 'tool-call');
    expect(call).toMatchObject({
      name: 'get_weather',
      arguments: '{"city":"sample city","unit":"c","days":["sample days"]}',
    });
    expect(answer.usage?.reasoningTokens).toBeGreaterThan(0);
    const second: CanonicalRequest = {
      ...first,
      messages: [
        ...first.messages,
        {
          role: 'assistant',
          content: answer.content.filter((part): part is AssistantPart => part.type !== 'generated-image'),
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: call!.type === 'tool-call' ? call!.id : '',
              content: [{ type: 'text', text: 'sunny' }],
            },
          ],
        },
      ],
    };
    const final = await complete(second, channel);
    expect(final.content.filter((part) => part.type === 'text')).toEqual([
      { type: 'text', text: 'Hello! This is fake-gemini answering: tool result: sunny' },
    ]);
    const sentCall = (fake.requests[1].body as any).contents[1].parts[0];
    expect(sentCall.thoughtSignature).toBe(fakeThoughtSignature('get_weather'));
  });

  it('streams text with thoughts and usage, and function calls', async () => {
    const events = await stream(
      {
        model: 'gemini-2.5-flash',
        system: [],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Say something nice' }] }],
        reasoning: { budgetTokens: 512 },
        sampling: {},
        stream: true,
      },
      channel,
    );
    expect(events[0]).toMatchObject({ type: 'response-start', model: 'gemini-2.5-flash' });
    const text = events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
    const reasoning = events.map((e) => (e.type === 'reasoning-delta' ? e.text : '')).join('');
    expect(text).toBe('Hello! This is fake-gemini answering: Say something nice');
    expect(reasoning).toBe('Thinking about: Say something nice');
    expect(events.slice(-2)).toEqual([
      {
        type: 'usage',
        usage: {
          inputTokens: 5,
          cacheReadTokens: 0,
          cacheWrite5mTokens: 0,
          cacheWrite1hTokens: 0,
          outputTokens: 14 + 9,
          reasoningTokens: 9,
          totalTokens: 28,
        },
      },
      { type: 'finish', reason: 'stop', raw: 'STOP' },
    ]);
    const calls = await stream(
      {
        model: 'gemini-2.0-flash',
        system: [],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'call get_time' }] }],
        tools,
        toolChoice: 'auto',
        sampling: {},
        stream: true,
      },
      channel,
    );
    expect(calls.filter((e) => e.type.startsWith('tool-call'))).toEqual([
      { type: 'tool-call-start', index: 0, id: expect.stringMatching(/^call_/), name: 'get_time' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{}' },
      { type: 'tool-call-end', index: 0 },
    ]);
    expect(calls[calls.length - 1]).toEqual({ type: 'finish', reason: 'tool_calls', raw: 'STOP' });
  });

  it('maps the fake Google errors: bad key → auth, 429 → rate-limit with RetryInfo, cut stream → error event', async () => {
    const request: CanonicalRequest = {
      model: 'gemini-2.0-flash',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      sampling: {},
      stream: false,
    };
    await expect(complete(request, { ...channel, key: 'AIza-wrong' })).rejects.toMatchObject({
      kind: 'auth',
      status: 401,
      providerCode: 'API_KEY_INVALID',
    });
    fake.failNext(1, '429:12');
    await expect(complete(request, channel)).rejects.toMatchObject({
      kind: 'rate-limit',
      retryAfterMs: 12_000,
    });
    const cut = await stream(request, { ...channel, baseUrl: fake.faultUrl('cut:2') });
    expect(cut[cut.length - 1]).toMatchObject({ type: 'error' });
  });
});
