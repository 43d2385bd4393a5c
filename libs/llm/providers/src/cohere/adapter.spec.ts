import type { CanonicalRequest, StreamEvent } from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { cohereAdapter } from './adapter';
import { buildCohereEmbedRequest, cohereEmbeddings, parseCohereEmbedResponse } from './embed';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';
import { buildCohereRerankRequest, parseCohereRerankResponse } from './rerank';

const channel = { type: 35, baseUrl: 'https://api.cohere.ai/', key: 'co-key', config: {} };

function decode(chunks: Array<string | Uint8Array>): StreamEvent[] {
  const decoder = cohereAdapter.createStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events.map((event) => (event.type === 'response-start' ? { ...event, created: 0 } : event));
}

const usage = (inputTokens: number, outputTokens: number) => ({
  inputTokens,
  cacheReadTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  outputTokens,
  reasoningTokens: 0,
  totalTokens: inputTokens + outputTokens,
});

describe('Cohere adapter', () => {
  it('is the adapter of channel type 35 and names its own wire format', () => {
    expect(adapterForChannelType(35)).toBe(cohereAdapter);
    expect(cohereAdapter.format).toBe('cohere');
  });

  it('builds the recorded v2 chat body: system first, tool history, image parts, a forced tool as REQUIRED', () => {
    const request = fixtureJson<CanonicalRequest>('canonical-request-tools-history.json');
    const built = cohereAdapter.buildRequest(request, channel);
    expect(built.url).toBe('https://api.cohere.ai/v2/chat');
    expect(built.method).toBe('POST');
    expect(built.headers).toMatchObject({
      Authorization: 'Bearer co-key',
      'Content-Type': 'application/json',
    });
    expect(JSON.parse(built.body)).toEqual(fixtureJson('chat-request-tools-history.json'));
    expect(built.warnings).toEqual([]);
  });

  it('accepts a base URL that already names the version, and maps structured output and thinking', () => {
    const built = cohereAdapter.buildRequest(
      {
        model: 'command-a-reasoning-08-2025',
        system: [],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'classify' }] }],
        sampling: { n: 2 },
        responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object', required: ['topic'] } },
        reasoning: { budgetTokens: 1024 },
        stream: true,
      },
      { ...channel, baseUrl: 'https://proxy.example/v2' },
    );
    expect(built.url).toBe('https://proxy.example/v2/chat');
    expect(built.headers.Accept).toBe('text/event-stream');
    expect(JSON.parse(built.body)).toEqual({
      model: 'command-a-reasoning-08-2025',
      messages: [{ role: 'user', content: 'classify' }],
      stream: true,
      response_format: { type: 'json_object', json_schema: { type: 'object', required: ['topic'] } },
      thinking: { type: 'enabled', token_budget: 1024 },
    });
    expect(built.warnings).toEqual(['n > 1 was dropped: Cohere returns one choice']);
  });

  it('parses a text response, billing the billed units', () => {
    const response = cohereAdapter.parseResponse(fixtureJson('chat-response-text.json'));
    expect(response).toMatchObject({
      id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4',
      content: [{ type: 'text', text: expect.stringMatching(/^LLMs stand for Large Language Models/) }],
      finishReason: { reason: 'stop', raw: 'COMPLETE' },
      usage: usage(17, 26),
    });
  });

  it('parses tool calls with the tool plan as reasoning', () => {
    const response = cohereAdapter.parseResponse(fixtureJson('chat-response-tool-calls.json'));
    expect(response.content).toEqual([
      { type: 'reasoning', text: 'I will search for the weather in Toronto and Paris.' },
      {
        type: 'tool-call',
        id: 'get_weather_1byjy32y4hvq',
        name: 'get_weather',
        arguments: '{"location":"Toronto"}',
      },
      {
        type: 'tool-call',
        id: 'get_weather_7xwq2f8c3k1m',
        name: 'get_weather',
        arguments: '{"location":"Paris"}',
      },
    ]);
    expect(response.finishReason).toEqual({ reason: 'tool_calls', raw: 'TOOL_CALL' });
    expect(response.usage).toEqual(usage(37, 28));
  });

  it('throws on an error body answered with status 200', () => {
    expect(() => cohereAdapter.parseResponse(fixtureJson('error-401-invalid-token.json'))).toThrow(
      'invalid api token',
    );
  });

  it('decodes the recorded text stream, cut by max tokens', () => {
    expect(decode([fixtureText('stream-text.txt')])).toEqual([
      { type: 'response-start', id: '29f14a5a-11de-4cae-9800-25e4747408ea', model: '', created: 0 },
      { type: 'text-delta', text: 'A large language' },
      { type: 'text-delta', text: ' model — an LLM — is ✨ neural.' },
      { type: 'usage', usage: usage(8, 12) },
      { type: 'finish', reason: 'length', raw: 'MAX_TOKENS' },
    ]);
  });

  it('decodes the recorded tool-call stream: plan as reasoning, two calls numbered in order', () => {
    expect(decode([fixtureText('stream-tool-calls.txt')]).slice(1)).toEqual([
      { type: 'reasoning-delta', text: 'I will search' },
      { type: 'reasoning-delta', text: ' for the weather.' },
      { type: 'tool-call-start', index: 0, id: 'get_weather_nsz5zm3w56q3', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{\n    "' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: 'location": "Toronto"' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '\n}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'get_weather_j3k4l5m6n7p8', name: 'get_weather' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"location": "Paris"}' },
      { type: 'tool-call-end', index: 1 },
      { type: 'usage', usage: usage(37, 28) },
      { type: 'finish', reason: 'tool_calls', raw: 'TOOL_CALL' },
    ]);
  });

  it('decodes the same wherever the bytes are split (inside UTF-8 sequences too)', () => {
    for (const name of ['stream-text.txt', 'stream-tool-calls.txt']) {
      const bytes = Buffer.from(fixtureText(name), 'utf8');
      const whole = decode([bytes]);
      for (let at = 1; at < bytes.length; at += 7)
        expect(decode([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(whole);
    }
  });

  it('reports a stream that ends before message-end', () => {
    const text = fixtureText('stream-text.txt');
    const events = decode([text.slice(0, text.indexOf('event: message-end'))]);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'upstream' } });
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('maps the recorded errors', () => {
    const auth = cohereAdapter.parseError(401, fixtureText('error-401-invalid-token.json'));
    expect({ kind: auth.kind, status: auth.status, message: auth.message }).toEqual({
      kind: 'auth',
      status: 401,
      message: 'invalid api token',
    });
    expect(cohereAdapter.parseError(498, fixtureText('error-401-invalid-token.json')).kind).toBe('auth');
    expect(cohereAdapter.parseError(400, fixtureText('error-400-too-many-tokens.json')).kind).toBe(
      'context-length',
    );
    const limited = cohereAdapter.parseError(429, fixtureText('error-429-trial-limit.json'), {
      'retry-after': '3',
    });
    expect({ kind: limited.kind, retryable: limited.retryable, wait: limited.retryAfterMs }).toEqual({
      kind: 'rate-limit',
      retryable: true,
      wait: 3000,
    });
    expect(cohereAdapter.parseError(500, '<html>oops</html>').message).toBe('upstream returned HTTP 500');
  });

  it('builds the recorded rerank request and parses its response', () => {
    const body = fixtureJson<{ model: string; query: string; documents: string[]; top_n: number }>(
      'rerank-request.json',
    );
    const built = buildCohereRerankRequest(
      { model: body.model, query: body.query, documents: body.documents, topN: body.top_n },
      channel,
    );
    expect(built.url).toBe('https://api.cohere.ai/v2/rerank');
    expect(built.headers.Authorization).toBe('Bearer co-key');
    expect(JSON.parse(built.body)).toEqual(body);
    expect(parseCohereRerankResponse(fixtureJson('rerank-response.json'))).toEqual({
      id: '07734bd2-2473-4f07-94e1-0d9f0e6843cf',
      results: [
        { index: 2, relevanceScore: 0.999071 },
        { index: 3, relevanceScore: 0.7867867 },
        { index: 0, relevanceScore: 0.32713068 },
      ],
      searchUnits: 1,
    });
    expect(() =>
      buildCohereRerankRequest({ model: 'rerank-v3.5', query: 'q', documents: [] }, channel),
    ).toThrow('documents must not be empty');
  });

  it('builds an embed request and parses the float embeddings', () => {
    const built = buildCohereEmbedRequest({ model: 'embed-v4.0', texts: ['hello', 'goodbye'] }, channel);
    expect(built.url).toBe('https://api.cohere.ai/v2/embed');
    expect(JSON.parse(built.body)).toEqual({
      model: 'embed-v4.0',
      texts: ['hello', 'goodbye'],
      input_type: 'search_document',
      embedding_types: ['float'],
    });
    const parsed = parseCohereEmbedResponse(fixtureJson('embed-response.json'));
    expect(parsed.embeddings).toHaveLength(2);
    expect(parsed.embeddings[1][1]).toBeCloseTo(0.0289917);
    expect(parsed.inputTokens).toBe(2);
  });

  it('serves OpenAI embeddings requests through /v2/embed (the gateway’s /v1/embeddings)', () => {
    expect(cohereAdapter.embeddings).toBe(cohereEmbeddings);
    const built = cohereEmbeddings.buildRequest(
      { model: 'embed-v4.0', input: ['hello', 'goodbye'], dimensions: 256, input_type: 'search_query' },
      channel,
    );
    expect(built.url).toBe('https://api.cohere.ai/v2/embed');
    expect(JSON.parse(built.body)).toEqual({
      model: 'embed-v4.0',
      texts: ['hello', 'goodbye'],
      input_type: 'search_query',
      embedding_types: ['float'],
      output_dimension: 256,
    });
    const answer = cohereEmbeddings.toOpenAi(fixtureJson('embed-response.json'), 'embed-v4.0');
    expect(answer).toMatchObject({
      object: 'list',
      model: 'embed-v4.0',
      usage: { prompt_tokens: 2, total_tokens: 2 },
      data: [
        { object: 'embedding', index: 0, embedding: expect.any(Array) },
        { object: 'embedding', index: 1, embedding: expect.any(Array) },
      ],
    });
    expect(() => cohereEmbeddings.buildRequest({ model: 'm', input: [1, 2, 3] }, channel)).toThrow(
      /text input/,
    );
    expect(() => cohereEmbeddings.toOpenAi(fixtureJson('error-401-invalid-token.json'), 'm')).toThrow(
      'invalid api token',
    );
  });
});
