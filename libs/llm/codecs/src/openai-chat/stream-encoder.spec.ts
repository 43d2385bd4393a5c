import {
  GatewayError,
  makeUsage,
  SseParser,
  type CanonicalRequest,
  type StreamEvent,
} from '@one-api/llm-core';
import { LEGACY_FUNCTIONS_STATE } from './decode-request';
import { OpenAiChatStreamEncoder } from './stream-encoder';

const request: CanonicalRequest = { model: 'gpt-4o', system: [], messages: [], sampling: {}, stream: true };
const start: StreamEvent = {
  type: 'response-start',
  id: 'chatcmpl-7',
  model: 'gpt-4o-2024-08-06',
  created: 1700000001,
};
const usage = makeUsage({ inputTokens: 10, outputTokens: 3 });

function run(events: StreamEvent[], req: CanonicalRequest = request, reasoningFormat?: 'thinking'): string {
  const encoder = new OpenAiChatStreamEncoder({ request: req, reasoningFormat });
  return events.map((event) => encoder.encode(event)).join('') + encoder.finish();
}

function payloads(sse: string): unknown[] {
  const parser = new SseParser();
  return [...parser.push(sse), ...parser.end()].map((event) =>
    event.data === '[DONE]' ? '[DONE]' : JSON.parse(event.data),
  );
}

const header = {
  id: 'chatcmpl-7',
  object: 'chat.completion.chunk',
  created: 1700000001,
  model: 'gpt-4o-2024-08-06',
};

describe('OpenAiChatStreamEncoder', () => {
  it('writes the role on the first chunk, text deltas, the finish chunk and [DONE]', () => {
    const sse = run([
      start,
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'finish', reason: 'stop', raw: 'stop' },
      { type: 'usage', usage },
    ]);
    expect(sse.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(payloads(sse)).toEqual([
      {
        ...header,
        choices: [
          {
            index: 0,
            delta: { role: 'assistant', content: 'Hel', refusal: null },
            logprobs: null,
            finish_reason: null,
          },
        ],
      },
      { ...header, choices: [{ index: 0, delta: { content: 'lo' }, logprobs: null, finish_reason: null }] },
      { ...header, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
      '[DONE]',
    ]);
  });

  it('adds usage: null to every chunk and a final usage chunk when the client asked for include_usage', () => {
    const sse = run(
      [
        start,
        { type: 'usage', usage },
        { type: 'text-delta', text: 'x' },
        { type: 'finish', reason: 'stop', raw: null },
      ],
      { ...request, includeUsage: true },
    );
    const chunks = payloads(sse) as Array<Record<string, unknown>>;
    expect(chunks.slice(0, 2).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks[2]).toEqual({
      ...header,
      choices: [],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 3,
        total_tokens: 13,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
    });
    expect(chunks[3]).toBe('[DONE]');
  });

  it('streams tool calls as indexed deltas with id, type and name on the first one', () => {
    const chunks = payloads(
      run([
        start,
        { type: 'tool-call-start', index: 0, id: 'call_a', name: 'f' },
        { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x"' },
        { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
        { type: 'tool-call-end', index: 0 },
        { type: 'tool-call-start', index: 1, id: 'call_b', name: 'g' },
        { type: 'tool-call-end', index: 1 },
        { type: 'finish', reason: 'tool_calls', raw: 'tool_calls' },
      ]),
    ) as Array<{ choices: Array<{ delta: unknown; finish_reason: unknown }> }>;
    expect(chunks.slice(0, -1).map((chunk) => chunk.choices[0].delta)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }],
        refusal: null,
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"x"' } }] },
      { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] },
      { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '' } }] },
      {},
    ]);
    expect(chunks[4].choices[0].finish_reason).toBe('tool_calls');
  });

  it('streams legacy function_call deltas for clients that used functions', () => {
    const chunks = payloads(
      run(
        [
          start,
          { type: 'tool-call-start', index: 0, id: 'call_a', name: 'f' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '{}' },
          { type: 'finish', reason: 'tool_calls', raw: null },
        ],
        { ...request, codecState: { [LEGACY_FUNCTIONS_STATE]: true } },
      ),
    ) as Array<{ choices: Array<{ delta: unknown; finish_reason: unknown }> }>;
    expect(chunks[0].choices[0].delta).toEqual({
      role: 'assistant',
      content: null,
      function_call: { name: 'f', arguments: '' },
      refusal: null,
    });
    expect(chunks[1].choices[0].delta).toEqual({ function_call: { arguments: '{}' } });
    expect(chunks[2].choices[0].finish_reason).toBe('function_call');
  });

  it('writes reasoning as reasoning_content, or thinking with its signature', () => {
    const events: StreamEvent[] = [
      start,
      { type: 'reasoning-delta', text: 'hmm' },
      { type: 'reasoning-delta', text: '', signature: 'sig-1' },
      { type: 'text-delta', text: 'ok' },
      { type: 'finish', reason: 'stop', raw: null },
    ];
    const deltas = (sse: string) =>
      (payloads(sse) as Array<{ choices: Array<{ delta: unknown }> }>)
        .slice(0, -1)
        .map((c) => c.choices[0].delta);
    expect(deltas(run(events))).toEqual([
      { role: 'assistant', content: null, reasoning_content: 'hmm', refusal: null },
      { content: 'ok' },
      {},
    ]);
    expect(deltas(run(events, request, 'thinking'))).toEqual([
      { role: 'assistant', content: null, thinking: { content: 'hmm' }, refusal: null },
      { thinking: { content: '', signature: 'sig-1' } },
      { content: 'ok' },
      {},
    ]);
  });

  it('writes the role on a finish chunk when nothing came before, and tags other choices by index', () => {
    const chunks = payloads(
      run([
        start,
        { type: 'text-delta', text: 'b', choice: 1 },
        { type: 'finish', reason: 'stop', raw: null },
        { type: 'finish', reason: 'length', raw: null, choice: 1 },
      ]),
    ) as Array<{ choices: Array<Record<string, unknown>> }>;
    expect(chunks.slice(0, 3).map((c) => c.choices[0])).toEqual([
      {
        index: 1,
        delta: { role: 'assistant', content: 'b', refusal: null },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: { role: 'assistant', content: '', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
      { index: 1, delta: {}, logprobs: null, finish_reason: 'length' },
    ]);
  });

  it('writes an error as an OpenAI error object, then [DONE] without usage', () => {
    const sse = run(
      [
        start,
        { type: 'text-delta', text: 'partial' },
        { type: 'usage', usage },
        {
          type: 'error',
          error: new GatewayError({ kind: 'upstream', message: 'upstream stream ended early' }),
        },
      ],
      { ...request, includeUsage: true },
    );
    const chunks = payloads(sse);
    expect(chunks[1]).toEqual({
      error: { message: 'upstream stream ended early', type: 'server_error', param: null, code: null },
    });
    expect(chunks[2]).toBe('[DONE]');
    expect(chunks).toHaveLength(3);
  });

  it('invents an id when no response-start came and writes nothing after finish()', () => {
    const encoder = new OpenAiChatStreamEncoder({ request, model: 'alias' });
    const first = JSON.parse(encoder.encode({ type: 'text-delta', text: 'x' }).slice(6)) as Record<
      string,
      unknown
    >;
    expect(first.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(first.model).toBe('alias');
    expect(encoder.finish()).toBe('data: [DONE]\n\n');
    expect(encoder.finish()).toBe('');
    expect(encoder.encode({ type: 'text-delta', text: 'late' })).toBe('');
  });
});
