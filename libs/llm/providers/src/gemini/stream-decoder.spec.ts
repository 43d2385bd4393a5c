import type { StreamEvent } from '@one-api/llm-core';
import { fixtureText } from './fixtures/read-fixture';
import { GeminiStreamDecoder } from './stream-decoder';

function decode(chunks: Array<string | Uint8Array>): StreamEvent[] {
  const decoder = new GeminiStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events;
}

/** Tool call ids are generated: replaced by their order of appearance. */
function normalizeIds(events: StreamEvent[]): StreamEvent[] {
  const ids = new Map<string, string>();
  return events.map((event) => {
    if (event.type === 'response-start') return { ...event, created: 0 };
    if (event.type !== 'tool-call-start') return event;
    if (!ids.has(event.id)) ids.set(event.id, `id${ids.size}`);
    return { ...event, id: ids.get(event.id) as string };
  });
}

function sse(...chunks: unknown[]): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join('');
}

const thoughtTextCall: StreamEvent[] = [
  { type: 'response-start', id: 'q6FkaMPbM8XHz7IP0o2pkQQ', model: 'gemini-2.5-flash', created: 0 },
  { type: 'reasoning-delta', text: '**Checking the forecast**\n\nBoston first.' },
  { type: 'text-delta', text: 'Let me look that up — ' },
  { type: 'text-delta', text: 'one moment.' },
  { type: 'reasoning-delta', text: '', signature: 'gemini:CiQBcsjafC1Yx8s9y0sT3yZQ0+K8WbmF8m4YtGkz2y6qQ3k=' },
  { type: 'tool-call-start', index: 0, id: 'id0', name: 'get_current_weather' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location":"Boston, MA"}' },
  { type: 'tool-call-end', index: 0 },
  {
    type: 'usage',
    usage: {
      inputTokens: 96,
      cacheReadTokens: 64,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 85,
      reasoningTokens: 58,
      totalTokens: 181,
    },
  },
  { type: 'finish', reason: 'tool_calls', raw: 'STOP' },
];

describe('GeminiStreamDecoder', () => {
  it('decodes the recorded stream of thought, text and a signed function call with usage', () => {
    const raw = decode([fixtureText('stream-thought-text-call.txt')]);
    expect(raw[0]).toMatchObject({ created: expect.any(Number) });
    expect(normalizeIds(raw)).toEqual(thoughtTextCall);
  });

  it('decodes the same wherever the bytes are split (UTF-8 sequences included)', () => {
    for (const name of ['stream-thought-text-call.txt', 'stream-text-max-tokens.txt']) {
      const bytes = Buffer.from(fixtureText(name), 'utf8');
      const whole = normalizeIds(decode([bytes]));
      for (let at = 1; at < bytes.length; at++) {
        const split = normalizeIds(decode([bytes.subarray(0, at), bytes.subarray(at)]));
        expect(split).toEqual(whole);
      }
    }
  });

  it('finishes a text stream cut by the token limit with length, dropping empty text parts', () => {
    const events = decode([fixtureText('stream-text-max-tokens.txt')]);
    expect(events.slice(1)).toEqual([
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: '! How can I help you today? 😊' },
      {
        type: 'usage',
        usage: {
          inputTokens: 5,
          cacheReadTokens: 0,
          cacheWrite5mTokens: 0,
          cacheWrite1hTokens: 0,
          outputTokens: 12,
          reasoningTokens: 0,
          totalTokens: 17,
        },
      },
      { type: 'finish', reason: 'length', raw: 'MAX_TOKENS' },
    ]);
  });

  it('reports a stream that closes before any finish reason', () => {
    const text = fixtureText('stream-thought-text-call.txt');
    const events = decode([text.slice(0, text.lastIndexOf('data:'))]);
    const last = events[events.length - 1];
    expect(last.type).toBe('error');
    expect(last.type === 'error' && last.error.message).toMatch(/ended before the response was complete/);
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('turns an error chunk into an error event and stops', () => {
    const events = decode([
      sse(
        { candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 }] },
        {
          error: {
            code: 503,
            message: 'The model is overloaded. Please try again later.',
            status: 'UNAVAILABLE',
          },
        },
        {
          candidates: [
            { content: { role: 'model', parts: [{ text: 'ignored' }] }, finishReason: 'STOP', index: 0 },
          ],
        },
      ),
    ]);
    expect(events.map((e) => e.type)).toEqual(['response-start', 'text-delta', 'error']);
    expect(events[2]).toMatchObject({ error: { kind: 'overloaded', providerCode: 'UNAVAILABLE' } });
    expect(decode(['data: {not json\n\n']).map((e) => e.type)).toEqual(['error']);
  });

  it('ends a blocked prompt with content_filter and tags extra candidates with their choice', () => {
    expect(
      decode([
        sse({
          promptFeedback: { blockReason: 'SAFETY' },
          usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 },
        }),
      ]).slice(1),
    ).toEqual([
      {
        type: 'usage',
        usage: expect.objectContaining({ inputTokens: 4, outputTokens: 0, totalTokens: 4 }),
      },
      { type: 'finish', reason: 'content_filter', raw: 'SAFETY' },
    ]);
    const events = normalizeIds(
      decode([
        sse(
          {
            candidates: [
              { content: { role: 'model', parts: [{ text: 'A' }] }, index: 0 },
              {
                content: { role: 'model', parts: [{ functionCall: { name: 'f', args: { x: 1 } } }] },
                index: 1,
              },
            ],
          },
          {
            candidates: [
              { content: { role: 'model', parts: [{ text: '!' }] }, finishReason: 'STOP', index: 0 },
              { content: { role: 'model', parts: [] }, finishReason: 'STOP', index: 1 },
            ],
          },
        ),
      ]),
    );
    expect(events.slice(1)).toEqual([
      { type: 'text-delta', text: 'A' },
      { type: 'tool-call-start', index: 0, id: 'id0', name: 'f', choice: 1 },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x":1}', choice: 1 },
      { type: 'tool-call-end', index: 0, choice: 1 },
      { type: 'text-delta', text: '!' },
      { type: 'finish', reason: 'stop', raw: 'STOP' },
      { type: 'finish', reason: 'tool_calls', raw: 'STOP', choice: 1 },
    ]);
  });

  it('streams inlineData images as whole generated-image events, skipping thought images', () => {
    const text = fixtureText('stream-image.txt');
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += 37) pieces.push(text.slice(i, i + 37));
    expect(normalizeIds(decode(pieces))).toEqual([
      { type: 'response-start', id: 'b71kaIvXMfXAz7IPsKyt2Qs', model: 'gemini-2.5-flash-image', created: 0 },
      { type: 'reasoning-delta', text: 'Thinking about the composition' },
      { type: 'text-delta', text: 'Here is your lighthouse.' },
      { type: 'generated-image', mediaType: 'image/jpeg', data: PNG },
      {
        type: 'usage',
        usage: expect.objectContaining({ inputTokens: 11, outputTokens: 1296 }),
      },
      { type: 'finish', reason: 'stop', raw: 'STOP' },
    ]);
  });
});

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
