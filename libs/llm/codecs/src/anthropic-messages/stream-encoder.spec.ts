import Anthropic from '@anthropic-ai/sdk';
import {
  GatewayError,
  makeUsage,
  SseParser,
  type CanonicalRequest,
  type StreamEvent,
} from '@one-api/llm-core';
import { AnthropicMessagesStreamEncoder } from './stream-encoder';

const request: CanonicalRequest = {
  model: 'claude-sonnet-4-5',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  sampling: { maxTokens: 1024 },
  stream: true,
  sourceFormat: 'anthropic-messages',
};
const start: StreamEvent = { type: 'response-start', id: 'msg_01X', model: 'claude-sonnet-4-5', created: 1 };
const usage = makeUsage({ inputTokens: 120, cacheReadTokens: 100, outputTokens: 30 });

function run(events: StreamEvent[], model?: string): string {
  const encoder = new AnthropicMessagesStreamEncoder({ request, model });
  return events.map((event) => encoder.encode(event)).join('') + encoder.finish();
}

function frames(sse: string): Array<{ event: string; data: Record<string, unknown> }> {
  const parser = new SseParser();
  return [...parser.push(sse), ...parser.end()].map((event) => ({
    event: event.event,
    data: JSON.parse(event.data) as Record<string, unknown>,
  }));
}

/** Feeds the encoder's output to the official SDK through a fake fetch and returns its accumulated message. */
async function sdkFinalMessage(sse: string): Promise<Anthropic.Message> {
  const client = new Anthropic({
    apiKey: 'sk-ant-test',
    maxRetries: 0,
    fetch: async () =>
      new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } }),
  });
  return client.messages

    .stream({ model: 'claude-haiku-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }] })
    .finalMessage();
}

const thinkingTextTool: StreamEvent[] = [
  start,
  { type: 'reasoning-delta', text: 'Let me ' },
  { type: 'reasoning-delta', text: 'think.' },
  { type: 'reasoning-delta', text: '', signature: 'EqQBsig' },
  { type: 'text-delta', text: 'Checking ' },
  { type: 'text-delta', text: 'the weather.' },
  { type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'get_weather' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location":' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
  { type: 'tool-call-end', index: 0 },
  { type: 'finish', reason: 'tool_calls', raw: 'tool_use' },
  { type: 'usage', usage },
];

describe('AnthropicMessagesStreamEncoder', () => {
  it('writes the exact Anthropic event sequence with event: lines', () => {
    const sse = run(thinkingTextTool);
    expect(sse.startsWith('event: message_start\ndata: {"type":"message_start","message":{')).toBe(true);
    const names = frames(sse).map((f) => f.event);
    expect(names).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    // every frame's data.type equals its event name
    for (const frame of frames(sse)) expect(frame.data.type).toBe(frame.event);
    const data = frames(sse).map((f) => f.data);
    expect(data[0]).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_01X',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
          output_tokens: 0,
        },
      },
    });
    expect(data[2]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    });
    expect(data[5]).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'signature_delta', signature: 'EqQBsig' },
    });
    expect(data[11]).toEqual({
      type: 'content_block_start',
      index: 2,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
    });
    expect(data[12]).toEqual({
      type: 'content_block_delta',
      index: 2,
      delta: { type: 'input_json_delta', partial_json: '{"location":' },
    });
    expect(data[15]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: {
        input_tokens: 20,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 100,
        output_tokens: 30,
      },
    });
    expect(data[16]).toEqual({ type: 'message_stop' });
  });

  it('is read back by the official SDK into the same message', async () => {
    const message = await sdkFinalMessage(run(thinkingTextTool));
    expect(message.id).toBe('msg_01X');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'EqQBsig' },
      { type: 'text', text: 'Checking the weather.' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
    ]);
    expect(message.usage).toMatchObject({
      input_tokens: 20,
      cache_read_input_tokens: 100,
      output_tokens: 30,
    });
  });

  it('keeps interleaved tool calls apart and closes them at the finish', async () => {
    const sse = run([
      start,
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'a' },
      { type: 'tool-call-start', index: 1, id: 'call_b', name: 'b' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x":1}' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"y":2}' },
      { type: 'finish', reason: 'tool_calls', raw: 'tool_calls' },
    ]);
    const message = await sdkFinalMessage(sse);
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_a', name: 'a', input: { x: 1 } },
      { type: 'tool_use', id: 'call_b', name: 'b', input: { y: 2 } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('starts the message on its own when the upstream gave no response-start, and reports the client model', () => {
    const data = frames(
      run(
        [
          { type: 'text-delta', text: 'hi' },
          { type: 'finish', reason: 'length', raw: 'length' },
        ],
        'alias',
      ),
    );
    const message = data[0].data.message as Record<string, unknown>;
    expect(message.model).toBe('alias');
    expect(String(message.id)).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(data.at(-2)?.data).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'max_tokens' } });
  });

  it('writes redacted thinking as a whole block and starts a new thinking block after a signature', () => {
    const data = frames(
      run([
        start,
        { type: 'reasoning-delta', text: 'a' },
        { type: 'reasoning-delta', text: '', signature: 's1' },
        { type: 'reasoning-delta', text: 'b' },
        { type: 'reasoning-delta', text: 'opaque', redacted: true },
        { type: 'finish', reason: 'stop', raw: 'stop' },
      ]),
    ).filter((frame) => frame.event.startsWith('content_block'));
    expect(data.map((f) => [f.event, f.data.index])).toEqual([
      ['content_block_start', 0],
      ['content_block_delta', 0],
      ['content_block_delta', 0],
      ['content_block_stop', 0],
      ['content_block_start', 1],
      ['content_block_delta', 1],
      ['content_block_stop', 1],
      ['content_block_start', 2],
      ['content_block_stop', 2],
    ]);
    expect(data[7].data.content_block).toEqual({ type: 'redacted_thinking', data: 'opaque' });
  });

  it('ends with an error event and no message_stop when the upstream failed', async () => {
    const sse = run([
      start,
      { type: 'text-delta', text: 'par' },
      { type: 'error', error: new GatewayError({ kind: 'overloaded', message: 'Overloaded' }) },
    ]);
    expect(
      sse.endsWith(
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      ),
    ).toBe(true);
    expect(sse).not.toContain('message_stop');
    await expect(sdkFinalMessage(sse)).rejects.toThrow(/Overloaded/);
  });

  it('ignores choices other than 0, writes nothing after finish() and pings only inside the message', () => {
    const encoder = new AnthropicMessagesStreamEncoder({ request });
    expect(encoder.ping()).toBe('');
    encoder.encode(start);
    expect(encoder.encode({ type: 'text-delta', text: 'x', choice: 1 })).toBe('');
    expect(encoder.ping()).toBe('event: ping\ndata: {"type":"ping"}\n\n');
    expect(encoder.finish()).toContain('message_stop');
    expect(encoder.finish()).toBe('');
    expect(encoder.encode({ type: 'text-delta', text: 'late' })).toBe('');
    expect(encoder.ping()).toBe('');
  });
});
