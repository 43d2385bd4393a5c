import fc from 'fast-check';
import { GatewayError, SseParser, type StreamDecoder, type StreamEvent } from '@one-api/llm-core';
import { adapterForChannel } from './registry';

/**
 * Property-based fuzzing of every upstream stream decoder and of the SSE parser under them: whatever an upstream
 * (or a man in the middle) sends — truncated events, wrong-typed JSON, binary noise, huge lines, chunks split inside
 * UTF-8 sequences — a decoder returns events and never throws; a broken stream is reported as an `error` event with a
 * GatewayError, which the relay turns into the caller's error format.
 */

const RUNS = 300;
const KNOWN_TYPES = new Set([
  'response-start',
  'text-delta',
  'reasoning-delta',
  'tool-call-start',
  'tool-call-delta',
  'tool-call-end',
  'usage',
  'finish',
  'error',
]);

/** One channel type per upstream protocol (every adapter the registry knows), plus the Responses API. */
const PROTOCOL_TYPES = [1, 14, 15, 16, 17, 18, 21, 23, 24, 30, 33, 34, 35, 38, 42, 46, 53];
const decoders: Array<[string, () => StreamDecoder]> = [
  ...PROTOCOL_TYPES.map((type): [string, () => StreamDecoder] => {
    const adapter = adapterForChannel(type);
    if (!adapter) throw new Error(`no adapter for channel type ${type}`);
    return [`${adapter.format} (type ${type})`, () => adapter.createStreamDecoder()];
  }),
  ['openai responses', () => adapterForChannel(1, { api_format: 'response' })!.createStreamDecoder()],
];

/** Event names and payload shapes real upstreams send, so the fuzz reaches past the JSON parse into the mappers. */
const EVENT_NAMES = [
  'message',
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'error',
  'ping',
  'response.created',
  'response.output_text.delta',
  'response.output_item.added',
  'response.function_call_arguments.delta',
  'response.completed',
  'response.failed',
];

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, -1, 1e308, '', '\u0000', [], {}, 'x'.repeat(10_000)),
);

/** An object that looks like a real event with some fields replaced by hostile values. */
const plausiblePayload = fc
  .record({
    base: fc.constantFrom<Record<string, unknown>>(
      { id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'hi' } }] },
      {
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id: 't', function: { name: 'f', arguments: '{' } }] },
          },
        ],
      },
      { choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } },
      { type: 'message_start', message: { id: 'm', usage: { input_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'f' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } },
      { type: 'error', error: { type: 'overloaded_error', message: 'busy' } },
      { type: 'response.output_text.delta', delta: 'x', item_id: 'i', output_index: 0 },
      { type: 'response.completed', response: { id: 'r', usage: { input_tokens: 1, output_tokens: 1 } } },
      { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }], usageMetadata: {} },
    ),
    path: fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }),
    value: hostileValue,
  })
  .map(({ base, path, value }) => {
    const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    let node: Record<string, unknown> = copy;
    const keys = path.length > 0 ? path : Object.keys(copy).slice(0, 1);
    keys.every((key, i) => {
      // A copy: constantFrom hands out one shared {} that a later step could otherwise descend into.
      if (i === keys.length - 1 || node[key] === null || typeof node[key] !== 'object')
        node[key] = JSON.parse(JSON.stringify(value ?? null)) as unknown;
      else {
        node = node[key] as Record<string, unknown>;
        return true;
      }
      return false;
    });
    return JSON.stringify(copy);
  });

const data = fc.oneof(
  plausiblePayload,
  plausiblePayload.map((s) => s.slice(0, Math.max(0, s.length - 7))), // truncated JSON
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 200 }),
  fc.constant('[DONE]'),
);

const sseEvent = fc
  .record({ name: fc.option(fc.constantFrom(...EVENT_NAMES), { nil: undefined }), data })
  .map(({ name, data: d }) => `${name ? `event: ${name}\n` : ''}data: ${d.replace(/\n/g, ' ')}\n\n`);

const stream = fc.oneof(
  fc.array(sseEvent, { maxLength: 12 }).map((events) => events.join('')),
  fc.string({ maxLength: 2000 }),
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.array(sseEvent, { maxLength: 6 }).map((events) => events.join('').slice(0, -5)), // cut midway
);

/** Splits bytes at arbitrary points (inside multi-byte characters too). */
function chunked(text: string, cuts: number[]): Uint8Array[] {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let last = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(last, p));
    last = p;
  }
  chunks.push(bytes.subarray(last));
  return chunks;
}

function checkEvents(events: StreamEvent[]): void {
  for (const event of events) {
    expect(KNOWN_TYPES.has(event.type)).toBe(true);
    if (event.type === 'error') {
      expect(event.error).toBeInstanceOf(GatewayError);
      expect(typeof event.error.message).toBe('string');
    }
  }
}

let tried = 0;
afterAll(() => {
  process.stdout.write(
    `stream decoder fuzz: ${tried} cases tried over ${decoders.length} decoders + SSE parser\n`,
  );
});

describe.each(decoders)('%s stream decoder under hostile input', (_name, create) => {
  it('never throws, only emits known events, and reports broken streams as GatewayError events', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        tried++;
        const decoder = create();
        const events: StreamEvent[] = [];
        for (const chunk of chunked(text, cuts)) events.push(...decoder.push(chunk));
        events.push(...decoder.end());
        checkEvents(events);
        // end() twice is harmless (the relay may call it on abort and on close).
        expect(decoder.end()).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('SseParser under hostile input', () => {
  it('gives the same events whatever the chunking, and never throws', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        tried++;
        const whole = new SseParser();
        const expected = [...whole.push(Buffer.from(text, 'utf8')), ...whole.end()];
        const split = new SseParser();
        const got = chunked(text, cuts).flatMap((c) => split.push(c));
        got.push(...split.end());
        expect(got).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('handles a single oversized line without quadratic blow-up', () => {
    const parser = new SseParser();
    const big = 'x'.repeat(256 * 1024);
    const started = Date.now();
    const events: ReturnType<SseParser['push']> = [];
    for (let i = 0; i < big.length; i += 1024)
      events.push(...parser.push(i === 0 ? `data: ${big.slice(i, i + 1024)}` : big.slice(i, i + 1024)));
    events.push(...parser.push('\n\n'));
    tried++;
    expect(events).toHaveLength(1);
    expect(events[0].data).toHaveLength(big.length);
    // Generous bound: this is a hang detector, not a benchmark.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
