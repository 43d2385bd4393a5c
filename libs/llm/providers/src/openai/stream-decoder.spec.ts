import type { StreamEvent } from '@one-api/llm-core';
import { OpenAiChatStreamDecoder } from './stream-decoder';

function sse(...payloads: unknown[]): string {
  return payloads.map((p) => `data: ${typeof p === 'string' ? p : JSON.stringify(p)}\n\n`).join('');
}

function chunk(
  delta: Record<string, unknown>,
  finish: string | null = null,
  extra: Record<string, unknown> = {},
) {
  return {
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 5,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  };
}

function decode(text: string): StreamEvent[] {
  const decoder = new OpenAiChatStreamDecoder();
  return [...decoder.push(text), ...decoder.end()];
}

const start = { type: 'response-start', id: 'c1', model: 'm', created: 5 };

describe('OpenAiChatStreamDecoder', () => {
  it('decodes reasoning and text deltas, skipping empty deltas after the first', () => {
    expect(
      decode(
        sse(
          chunk({ role: 'assistant', content: null, reasoning_content: '' }),
          chunk({ reasoning_content: 'Think' }),
          chunk({ reasoning_content: '' }),
          chunk({ content: '' }),
          chunk({ content: 'Hi' }),
          chunk({ content: '' }, 'stop'),
          '[DONE]',
        ),
      ),
    ).toEqual([
      start,
      { type: 'reasoning-delta', text: '' },
      { type: 'reasoning-delta', text: 'Think' },
      { type: 'text-delta', text: 'Hi' },
      { type: 'finish', reason: 'stop', raw: 'stop' },
    ]);
  });

  it('handles tool calls without index, and a new id reusing an index as a new call', () => {
    const events = decode(
      sse(
        chunk({ tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":' } }] }),
        chunk({ tool_calls: [{ function: { arguments: '1}' } }] }),
        chunk({ tool_calls: [{ index: 0, id: 'b', function: { name: 'g', arguments: '{}' } }] }),
        chunk({ tool_calls: [{ index: 0, id: 'b', function: { arguments: '' } }] }),
        chunk({}, 'tool_calls'),
      ),
    );
    expect(events.slice(1)).toEqual([
      { type: 'tool-call-start', index: 0, id: 'a', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '1}' },
      { type: 'tool-call-start', index: 1, id: 'b', name: 'g' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-end', index: 1 },
      { type: 'finish', reason: 'tool_calls', raw: 'tool_calls' },
    ]);
  });

  it('finishes with tool_calls when a forced tool call ends with finish_reason "stop" (as OpenAI answers)', () => {
    const events = decode(
      sse(
        chunk({
          tool_calls: [{ index: 0, id: 'call_1', function: { name: 'get_weather', arguments: '{}' } }],
        }),
        chunk({}, 'stop'),
        '[DONE]',
      ),
    );
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls', raw: 'stop' });
  });

  it('reads usage from the chunk or from inside the choice (Moonshot)', () => {
    const events = decode(
      sse(
        {
          ...chunk({ content: 'x' }, 'stop'),
          choices: [
            {
              index: 0,
              delta: { content: 'x' },
              finish_reason: 'stop',
              usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
            },
          ],
        },
        '[DONE]',
      ),
    );
    expect(events.map((e) => e.type)).toEqual(['response-start', 'text-delta', 'finish', 'usage']);
    expect(events[3]).toMatchObject({ usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 } });
  });

  it('tags events of other choices with their index', () => {
    const events = decode(
      sse(
        { ...chunk({}), choices: [{ index: 1, delta: { content: 'b' }, finish_reason: null }] },
        { ...chunk({}), choices: [{ index: 1, delta: {}, finish_reason: 'length' }] },
        '[DONE]',
      ),
    );
    expect(events.slice(1)).toEqual([
      { type: 'text-delta', text: 'b', choice: 1 },
      { type: 'finish', reason: 'length', raw: 'length', choice: 1 },
    ]);
  });

  it('closes a stream that sent [DONE] without finish_reason as a normal stop', () => {
    const events = decode(
      sse(chunk({ tool_calls: [{ index: 0, id: 't', function: { name: 'f', arguments: '{}' } }] }), '[DONE]'),
    );
    expect(events.slice(-2)).toEqual([
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', reason: 'tool_calls', raw: null },
    ]);
  });

  it('reports a stream cut before finishing as an upstream error', () => {
    const events = decode(sse(chunk({ content: 'partial' })) + 'data: {"id":"c1","choi');
    const last = events[events.length - 1];
    expect(last.type).toBe('error');
    expect(last.type === 'error' && [last.error.kind, last.error.message]).toEqual([
      'upstream',
      'upstream sent malformed stream data',
    ]);
    const cut = decode(sse(chunk({ content: 'partial' })));
    expect(cut[cut.length - 1]).toMatchObject({
      type: 'error',
      error: { kind: 'upstream', message: 'upstream stream ended before the response was complete' },
    });
  });

  it('turns an error object inside the stream into an error event', () => {
    const events = decode(
      sse(chunk({ content: 'a' }), { error: { message: 'overloaded', type: 'server_error', code: null } }),
    );
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({ type: 'error', error: { kind: 'upstream', message: 'overloaded' } });
  });

  it('accepts CRLF line endings, comments and a missing final blank line', () => {
    const text = `: OPENROUTER PROCESSING\r\n\r\ndata: ${JSON.stringify(chunk({ content: 'x' }, 'stop'))}\r\n\r\ndata: [DONE]`;
    expect(decode(text).map((e) => e.type)).toEqual(['response-start', 'text-delta', 'finish']);
  });
});
