import { makeUsage, type CanonicalRequest, type CanonicalResponse } from '@one-api/llm-core';
import { encodeAnthropicMessagesResponse } from './encode-response';
import { fromAnthropicStopReason, toAnthropicStopReason } from './stop-reason';
import { fromAnthropicUsage, mergeAnthropicUsage, toAnthropicUsage } from './usage-mapping';

const request: CanonicalRequest = {
  model: 'claude-sonnet-4-5',
  system: [],
  messages: [],
  sampling: { maxTokens: 100 },
  stream: false,
};

describe('encodeAnthropicMessagesResponse', () => {
  it('writes thinking, text and tool_use blocks, the stop reason and usage with cache buckets', () => {
    const response: CanonicalResponse = {
      id: 'chatcmpl-abc123',
      model: 'gpt-4o-2024-08-06',
      created: 1700000000,
      content: [
        { type: 'reasoning', text: 'Need the weather.' },
        { type: 'reasoning', text: 'opaque', redacted: true },
        { type: 'text', text: 'Checking ' },
        { type: 'text', text: 'now.' },
        { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
        { type: 'tool-call', id: 'call_2', name: 'get_time', arguments: '' },
      ],
      finishReason: { reason: 'tool_calls', raw: 'tool_calls' },
      usage: makeUsage({
        inputTokens: 1000,
        cacheReadTokens: 600,
        cacheWrite5mTokens: 100,
        cacheWrite1hTokens: 50,
        outputTokens: 40,
      }),
    };
    expect(encodeAnthropicMessagesResponse(response, { request, model: 'claude-sonnet-4-5' })).toEqual({
      id: 'msg_abc123',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', thinking: 'Need the weather.', signature: '' },
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'text', text: 'Checking now.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } },
        { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 250,
        cache_creation_input_tokens: 150,
        cache_read_input_tokens: 600,
        cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 50 },
        output_tokens: 40,
      },
    });
  });

  it('keeps an Anthropic id and reports zero usage when the upstream gave none', () => {
    const body = encodeAnthropicMessagesResponse(
      {
        id: 'msg_01',
        model: 'claude-haiku-4-5',
        created: 1,
        content: [{ type: 'text', text: 'hi' }],
        finishReason: { reason: 'stop', raw: 'stop_sequence' },
      },
      { request },
    );
    expect(body.id).toBe('msg_01');
    expect(body.model).toBe('claude-haiku-4-5');
    expect(body.stop_reason).toBe('stop_sequence');
    expect(body.usage.input_tokens).toBe(0);
    expect(body.usage.output_tokens).toBe(0);
  });
});

describe('stop reasons', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
    ['something_new', 'other'],
  ])('reads %s as %s', (raw, reason) => {
    expect(fromAnthropicStopReason(raw)).toEqual({ reason, raw });
  });

  it('reads a missing stop reason as stop', () => {
    expect(fromAnthropicStopReason(null)).toEqual({ reason: 'stop', raw: null });
  });

  it.each([
    ['stop', 'stop', 'end_turn'],
    ['stop', null, 'end_turn'],
    ['stop', 'stop_sequence', 'stop_sequence'],
    ['length', 'length', 'max_tokens'],
    ['length', 'model_context_window_exceeded', 'model_context_window_exceeded'],
    ['tool_calls', 'tool_calls', 'tool_use'],
    ['content_filter', 'content_filter', 'stop_sequence'],
    ['content_filter', 'refusal', 'refusal'],
    ['other', 'pause_turn', 'pause_turn'],
    ['error', 'insufficient_system_resource', 'end_turn'],
    ['stop', 'tool_use', 'end_turn'],
  ] as const)('writes %s (raw %s) as %s', (reason, raw, expected) => {
    expect(toAnthropicStopReason({ reason, raw })).toBe(expected);
  });
});

describe('usage mapping', () => {
  it('adds cache reads and writes to the input and splits writes by TTL', () => {
    expect(
      fromAnthropicUsage({
        input_tokens: 12,
        cache_creation_input_tokens: 300,
        cache_read_input_tokens: 2000,
        cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
        output_tokens: 50,
        output_tokens_details: { thinking_tokens: 20 },
      }),
    ).toEqual({
      inputTokens: 2312,
      cacheReadTokens: 2000,
      cacheWrite5mTokens: 100,
      cacheWrite1hTokens: 200,
      outputTokens: 50,
      reasoningTokens: 20,
      totalTokens: 2362,
    });
  });

  it('counts the legacy cache_creation_input_tokens as 5-minute writes', () => {
    expect(
      fromAnthropicUsage({ input_tokens: 5, cache_creation_input_tokens: 40, output_tokens: 1 }),
    ).toMatchObject({
      inputTokens: 45,
      cacheWrite5mTokens: 40,
      cacheWrite1hTokens: 0,
    });
    expect(
      fromAnthropicUsage({
        input_tokens: 5,
        cache_creation_input_tokens: 40,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: 1,
      }),
    ).toMatchObject({ cacheWrite5mTokens: 40 });
    expect(fromAnthropicUsage({ foo: 1 })).toBeUndefined();
    expect(fromAnthropicUsage(null)).toBeUndefined();
  });

  it('round-trips through toAnthropicUsage', () => {
    const usage = makeUsage({
      inputTokens: 90,
      cacheReadTokens: 50,
      cacheWrite1hTokens: 30,
      outputTokens: 7,
    });
    expect(fromAnthropicUsage(toAnthropicUsage(usage))).toEqual(usage);
  });

  it('merges message_delta usage into message_start usage like the SDK', () => {
    expect(
      mergeAnthropicUsage(
        { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 },
        { input_tokens: null, cache_read_input_tokens: 7, output_tokens: 30 },
      ),
    ).toEqual({ input_tokens: 10, cache_read_input_tokens: 7, output_tokens: 30 });
  });
});
