import type { CanonicalRequest, StreamEvent } from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { ollamaAdapter } from './adapter';
import { buildOllamaEmbedRequest, ollamaEmbeddings, parseOllamaEmbedResponse } from './embed';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const channel = { type: 30, baseUrl: 'http://localhost:11434/', key: '', config: {} };

function decode(chunks: Array<string | Uint8Array>): StreamEvent[] {
  const decoder = ollamaAdapter.createStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events.map((event) =>
    event.type === 'response-start'
      ? { ...event, id: 'id' }
      : event.type === 'tool-call-start'
        ? { ...event, id: 'call' }
        : event,
  );
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

describe('Ollama adapter', () => {
  it('is the adapter of channel type 30 and names its own wire format', () => {
    expect(adapterForChannelType(30)).toBe(ollamaAdapter);
    expect(ollamaAdapter.format).toBe('ollama');
  });

  it('builds the recorded /api/chat body: options, images, object arguments, tool_name, stream sent explicitly', () => {
    const built = ollamaAdapter.buildRequest(
      fixtureJson<CanonicalRequest>('canonical-request-tools-history.json'),
      channel,
    );
    expect(built.url).toBe('http://localhost:11434/api/chat');
    expect(built.headers.Authorization).toBeUndefined();
    expect(JSON.parse(built.body)).toEqual(fixtureJson('chat-request-tools-history.json'));
    expect(built.warnings).toEqual([]);
  });

  it('takes an OpenAI-style /v1 base back to the root, sends a key as bearer, a schema as format', () => {
    const built = ollamaAdapter.buildRequest(
      {
        model: 'gpt-oss:20b',
        system: [],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
        sampling: {},
        responseFormat: { type: 'json_schema', name: 's', schema: { type: 'object' } },
        reasoning: { effort: 'high' },
        stream: true,
      },
      { ...channel, baseUrl: 'https://ollama.example/v1', key: 'proxy-key' },
    );
    expect(built.url).toBe('https://ollama.example/api/chat');
    expect(built.headers.Authorization).toBe('Bearer proxy-key');
    expect(JSON.parse(built.body)).toEqual({
      model: 'gpt-oss:20b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      format: { type: 'object' },
      think: 'high',
    });
  });

  it('asks for a forced tool in the system prompt (Ollama has no tool choice) and offers only that tool', () => {
    const request = fixtureJson<CanonicalRequest>('canonical-request-tools-history.json');
    const built = ollamaAdapter.buildRequest(
      {
        ...request,
        tools: [...(request.tools ?? []), { name: 'get_time' }],
        toolChoice: { type: 'tool', name: 'get_current_weather' },
      },
      channel,
    );
    const body = JSON.parse(built.body);
    expect(body.messages[0]).toEqual({
      role: 'system',
      content: 'You are a weather assistant.\n\nYou must call the tool "get_current_weather".',
    });
    expect(body.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([
      'get_current_weather',
    ]);
    expect(body.tool_choice).toBeUndefined();
    expect(built.warnings).toContain(
      'tool_choice is not enforced by Ollama: the system prompt asks for the call instead',
    );
    const none = JSON.parse(ollamaAdapter.buildRequest({ ...request, toolChoice: 'none' }, channel).body);
    expect(none.tools).toBeUndefined();
  });

  it('refuses remote image URLs (Ollama fetches nothing)', () => {
    expect(() =>
      ollamaAdapter.buildRequest(
        {
          model: 'llava',
          system: [],
          messages: [
            { role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://x/y.png' } }] },
          ],
          sampling: {},
          stream: false,
        },
        channel,
      ),
    ).toThrow(/cannot fetch images/);
  });

  it('parses a text response with its counts', () => {
    const response = ollamaAdapter.parseResponse(fixtureJson('chat-response-text.json'));
    expect(response).toMatchObject({
      model: 'llama3.2',
      created: 1702390423,
      content: [{ type: 'text', text: 'Hello! How are you today?' }],
      finishReason: { reason: 'stop', raw: 'stop' },
      usage: usage(26, 298),
    });
  });

  it('parses thinking and object-valued tool arguments', () => {
    const response = ollamaAdapter.parseResponse(fixtureJson('chat-response-thinking-tool-calls.json'));
    expect(response.content).toEqual([
      { type: 'reasoning', text: 'I should call the weather tool for Paris.' },
      {
        type: 'tool-call',
        id: expect.stringMatching(/^call_/),
        name: 'get_current_weather',
        arguments: '{"format":"celsius","location":"Paris, FR"}',
      },
    ]);
    expect(response.finishReason).toEqual({ reason: 'tool_calls', raw: 'stop' });
    expect(response.usage).toEqual(usage(122, 33));
  });

  it('decodes the recorded NDJSON text stream', () => {
    expect(decode([fixtureText('stream-text.ndjson')])).toEqual([
      { type: 'response-start', id: 'id', model: 'llama3.2', created: 1691164339 },
      { type: 'text-delta', text: 'The' },
      { type: 'text-delta', text: ' sky is' },
      { type: 'text-delta', text: ' blue — ☀️' },
      { type: 'usage', usage: usage(26, 282) },
      { type: 'finish', reason: 'length', raw: 'length' },
    ]);
  });

  it('decodes the recorded thinking + tool call stream', () => {
    expect(decode([fixtureText('stream-thinking-tool-call.ndjson')]).slice(1)).toEqual([
      { type: 'reasoning-delta', text: 'Need the' },
      { type: 'reasoning-delta', text: ' weather.' },
      { type: 'tool-call-start', index: 0, id: 'call', name: 'get_current_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"format":"celsius","location":"Paris, FR"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'usage', usage: usage(122, 33) },
      { type: 'finish', reason: 'tool_calls', raw: 'stop' },
    ]);
  });

  it('decodes the same wherever the bytes are split (inside UTF-8 sequences and lines)', () => {
    for (const name of ['stream-text.ndjson', 'stream-thinking-tool-call.ndjson']) {
      const bytes = Buffer.from(fixtureText(name), 'utf8');
      const whole = decode([bytes]);
      for (let at = 1; at < bytes.length; at++)
        expect(decode([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(whole);
      // one byte at a time
      expect(decode([...bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
    }
  });

  it('reads a last line without its newline, and reports a stream cut before done', () => {
    const text = fixtureText('stream-text.ndjson').trimEnd();
    expect(decode([text]).at(-1)).toEqual({ type: 'finish', reason: 'length', raw: 'length' });
    const cut = decode([text.slice(0, text.lastIndexOf('\n') + 1)]);
    expect(cut.at(-1)).toMatchObject({ type: 'error', error: { kind: 'upstream' } });
  });

  it('ends with an error on an error line or a malformed line', () => {
    const first = fixtureText('stream-text.ndjson').split('\n')[0];
    const errored = decode([
      `${first}\n{"error":"an error was encountered while running the model: unexpected EOF"}\n`,
    ]);
    expect(errored.at(-1)).toMatchObject({
      type: 'error',
      error: { message: expect.stringMatching(/unexpected EOF/) },
    });
    expect(decode([`${first}\nnot json\n`]).at(-1)).toMatchObject({
      type: 'error',
      error: { kind: 'upstream' },
    });
  });

  it('maps the recorded errors', () => {
    const missing = ollamaAdapter.parseError(404, fixtureText('error-404-model-not-found.json'));
    expect({ kind: missing.kind, status: missing.status, message: missing.message }).toEqual({
      kind: 'not-found',
      status: 404,
      message: 'model "llama3.3" not found, try pulling it first',
    });
    expect(ollamaAdapter.parseError(400, '{"error":"input length exceeds the context length"}').kind).toBe(
      'context-length',
    );
    expect(ollamaAdapter.parseError(401, '').kind).toBe('auth');
    expect(() => ollamaAdapter.parseResponse({ error: 'boom' })).toThrow('boom');
  });

  it('builds an /api/embed request and parses the recorded answer', () => {
    const built = buildOllamaEmbedRequest({ model: 'all-minilm', input: ['a', 'b'] }, channel);
    expect(built.url).toBe('http://localhost:11434/api/embed');
    expect(JSON.parse(built.body)).toEqual({ model: 'all-minilm', input: ['a', 'b'] });
    const parsed = parseOllamaEmbedResponse(fixtureJson('embed-response.json'));
    expect(parsed.embeddings).toHaveLength(2);
    expect(parsed.inputTokens).toBe(8);
  });

  it('serves OpenAI embeddings requests through /api/embed (the gateway’s /v1/embeddings)', () => {
    expect(ollamaAdapter.embeddings).toBe(ollamaEmbeddings);
    const built = ollamaEmbeddings.buildRequest({ model: 'all-minilm', input: 'a' }, channel);
    expect(built.url).toBe('http://localhost:11434/api/embed');
    expect(JSON.parse(built.body)).toEqual({ model: 'all-minilm', input: 'a' });
    expect(ollamaEmbeddings.toOpenAi(fixtureJson('embed-response.json'), 'all-minilm')).toMatchObject({
      object: 'list',
      usage: { prompt_tokens: 8, total_tokens: 8 },
      data: [{ index: 0 }, { index: 1 }],
    });
    expect(() => ollamaEmbeddings.toOpenAi({ error: 'model "x" not found' }, 'x')).toThrow('not found');
  });
});
