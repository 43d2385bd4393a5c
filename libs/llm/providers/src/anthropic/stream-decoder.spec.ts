import { makeUsage, type StreamEvent } from '@one-api/llm-core';
import { anthropicAdapter } from './adapter';
import { fixtureText } from './fixtures/read-fixture';

function decode(chunks: Array<string | Uint8Array>): StreamEvent[] {
  const decoder = anthropicAdapter.createStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events;
}

const SIGNATURE =
  'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds4qqxs0rFwBQ6nT6eu2jKEb1tk+pDk7YhKOLiJcoTZz0S6lMxQ1jqWaz2D6uw8YvHm1B4bK7tq2Q2jVaD9E5xKdA1Bw=';

describe('Anthropic adapter: stream decoder', () => {
  const fixture = fixtureText('stream-thinking-text-tool.txt');
  const expected: StreamEvent[] = [
    {
      type: 'response-start',
      id: 'msg_01Aq9w938a90dw8q',
      model: 'claude-sonnet-4-5-20250929',
      created: expect.any(Number),
    },
    { type: 'reasoning-delta', text: 'The user wants the weather in ' },
    { type: 'reasoning-delta', text: 'San Francisco. I should call get_weather.' },
    { type: 'reasoning-delta', text: '', signature: SIGNATURE },
    { type: 'text-delta', text: "Okay, let's check " },
    { type: 'text-delta', text: 'the weather for San Francisco, CA:' },
    { type: 'tool-call-start', index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
    { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location":' },
    { type: 'tool-call-delta', index: 0, argumentsDelta: ' "San Francisco, CA", "unit": "fah' },
    { type: 'tool-call-delta', index: 0, argumentsDelta: 'renheit"}' },
    { type: 'tool-call-end', index: 0 },
    { type: 'finish', reason: 'tool_calls', raw: 'tool_use' },
    {
      type: 'usage',
      usage: makeUsage({
        inputTokens: 9672,
        cacheReadTokens: 8000,
        cacheWrite5mTokens: 1200,
        outputTokens: 89,
      }),
    },
  ];

  it('decodes the recorded stream: thinking with signature, text, tool_use input deltas, stop reason and usage', () => {
    expect(decode([fixture])).toEqual(expected);
  });

  it('decodes the same wherever the byte stream is split', () => {
    const bytes = Buffer.from(fixture, 'utf8');
    const whole = decode([bytes]);
    for (let at = 1; at < bytes.length; at++) {
      const events = decode([bytes.subarray(0, at), bytes.subarray(at)]);
      expect(events.map((e) => ({ ...e, created: 0 }))).toEqual(whole.map((e) => ({ ...e, created: 0 })));
    }
  });

  it('reports an error when the stream ends before message_delta', () => {
    const cut = fixture.slice(
      0,
      fixture.indexOf('event: content_block_stop\ndata: {"type":"content_block_stop","index":1}'),
    );
    const events = decode([cut]);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'upstream' } });
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('is lenient with compatible upstreams: no content_block_start, no message_delta, no event: lines', () => {
    const events = decode([
      'data: {"type":"message_start","message":{"id":"msg_3","model":"glm","usage":{"input_tokens":4,"output_tokens":0}}}\n\n',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}\n\n',
      'data: {"type":"message_stop"}\n\n',
    ]);
    expect(events).toEqual([
      { type: 'response-start', id: 'msg_3', model: 'glm', created: expect.any(Number) },
      { type: 'text-delta', text: 'hi' },
      { type: 'finish', reason: 'stop', raw: null },
      { type: 'usage', usage: makeUsage({ inputTokens: 4 }) },
    ]);
  });

  it("turns an error event into a gateway error with the type's status", () => {
    const events = decode([
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":1,"output_tokens":1}}}\n\n',
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    ]);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      type: 'error',
      error: { kind: 'overloaded', status: 529, message: 'Overloaded', retryable: true },
    });
  });

  it('handles redacted thinking, input given at block start, server tool blocks and malformed data', () => {
    const sse = (type: string, payload: Record<string, unknown>) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
    const events = decode([
      sse('message_start', {
        message: { id: 'msg_2', model: 'm', usage: { input_tokens: 3, output_tokens: 1 } },
      }),
      sse('content_block_start', { index: 0, content_block: { type: 'redacted_thinking', data: 'opaque' } }),
      sse('content_block_stop', { index: 0 }),
      sse('content_block_start', {
        index: 1,
        content_block: { type: 'server_tool_use', id: 's', name: 'web_search', input: {} },
      }),
      sse('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"q":1}' } }),
      sse('content_block_stop', { index: 1 }),
      sse('content_block_start', {
        index: 2,
        content_block: { type: 'tool_use', id: 't', name: 'f', input: { a: 1 } },
      }),
      sse('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }),
      sse('message_stop', {}),
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'reasoning-delta', text: 'opaque', redacted: true },
      { type: 'tool-call-start', index: 0, id: 't', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a":1}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', reason: 'tool_calls', raw: 'tool_use' },
      { type: 'usage', usage: makeUsage({ inputTokens: 3, outputTokens: 9 }) },
    ]);
    expect(decode(['event: message_start\ndata: {oops\n\n'])).toEqual([
      { type: 'error', error: expect.objectContaining({ message: 'upstream sent malformed stream data' }) },
    ]);
  });
});
