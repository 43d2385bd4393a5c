import { evaluateReply, isUnsupportedCombination, jsonObjectIn } from './evaluate';
import { parseSse } from './reply';
import type { MatrixReply } from './types';
import { MATRIX_VARIANTS } from './variants';

const variant = (key: string) => MATRIX_VARIANTS.find((v) => v.key === key)!;
const json = (body: unknown): [MatrixReply, string] => [{ kind: 'json', body }, JSON.stringify(body)];
const sse = (text: string): [MatrixReply, string] => [{ kind: 'stream', events: parseSse(text) }, text];
const data = (...payloads: unknown[]) =>
  payloads.map((p) => `data: ${typeof p === 'string' ? p : JSON.stringify(p)}\n\n`).join('');
const named = (...events: Array<[string, unknown]>) =>
  events.map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join('');
const check = (key: string, [reply, raw]: [MatrixReply, string]) => evaluateReply(variant(key), reply, raw);

const structured = '{"topic":"AI adoption","confidence":0.8}';

describe('PASS rules, non-stream', () => {
  it('chat: non-empty choices and no meaningful error', () => {
    expect(
      check('chat_stream_false', json({ choices: [{ message: { content: 'hi' } }], error: null })),
    ).toEqual({
      pass: true,
    });
    expect(check('chat_stream_false', json({ choices: [] }))).toEqual({
      pass: false,
      reason: 'response missing choices',
    });
    expect(check('chat_stream_false', json({ choices: [{}], error: { message: 'boom' } })).pass).toBe(false);
    expect(check('chat_stream_false', [{ kind: 'none' }, ''])).toEqual({
      pass: false,
      reason: 'empty response',
    });
    expect(check('chat_stream_false', [{ kind: 'none' }, '<html>'])).toMatchObject({
      pass: false,
      reason: expect.stringContaining('malformed JSON'),
    });
  });

  it('tools: a tool call in any wire shape; a clean answer without one is a PASS* candidate', () => {
    const call = { id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{}' } };
    expect(
      check('chat_tools_stream_false', json({ choices: [{ message: { tool_calls: [call] } }] })).pass,
    ).toBe(true);
    expect(check('chat_tools_stream_false', json({ choices: [{ message: { content: 'sunny' } }] }))).toEqual({
      pass: false,
      reason: 'response missing tool call',
      toolNotInvoked: true,
    });
    expect(
      check('claude_tools_stream_false', json({ content: [{ type: 'tool_use', name: 'x', input: {} }] }))
        .pass,
    ).toBe(true);
    // the fork accepts chat-shaped or Responses-shaped calls on the Claude endpoint too
    expect(
      check('claude_tools_stream_false', json({ choices: [{ message: { tool_calls: [call] } }] })).pass,
    ).toBe(true);
    expect(
      check(
        'response_tools_stream_false',
        json({ output: [{ type: 'function_call', name: 'f', arguments: '{}' }] }),
      ).pass,
    ).toBe(true);
    expect(
      check(
        'response_tools_stream_false',
        json({ required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: [{}] } } }),
      ).pass,
    ).toBe(true);
  });

  it('tool history: a tool call or assistant text', () => {
    expect(
      check('chat_tools_history_stream_false', json({ choices: [{ message: { content: 'Foggy, 15 °C' } }] }))
        .pass,
    ).toBe(true);
    expect(
      check(
        'response_tools_history_stream_false',
        json({ output: [{ type: 'message', content: [{ type: 'output_text', text: 'ok' }] }] }),
      ).pass,
    ).toBe(true);
    expect(
      check('claude_tools_history_stream_false', json({ content: [{ type: 'text', text: '  ' }] }))
        .toolNotInvoked,
    ).toBe(true);
  });

  it('responses default: not failed, and output, choices or a live status', () => {
    expect(check('response_stream_false', json({ status: 'completed', output: [] })).pass).toBe(true);
    expect(check('response_stream_false', json({ status: 'failed', output: [{}] })).pass).toBe(false);
    expect(check('response_stream_false', json({ status: 'queued' }))).toEqual({
      pass: false,
      reason: 'response missing output',
    });
  });

  it('claude default: content or a type', () => {
    expect(check('claude_stream_false', json({ type: 'message', content: [] })).pass).toBe(true);
    expect(check('claude_stream_false', json({}))).toEqual({ pass: false, reason: 'empty response' });
  });

  it('structured: topic and confidence in the text or a tool call, or a max-tokens cut', () => {
    expect(
      check('chat_structured_stream_false', json({ choices: [{ message: { content: structured } }] })).pass,
    ).toBe(true);
    expect(
      check(
        'chat_structured_stream_false',
        json({ choices: [{ message: { content: '```json\n' + structured + '\n```' } }] }),
      ).pass,
    ).toBe(true);
    expect(
      check(
        'chat_structured_stream_false',
        json({ choices: [{ message: { content: 'topic and confidence' } }] }),
      ),
    ).toEqual({ pass: false, reason: 'structured output fields missing' });
    expect(
      check(
        'chat_structured_stream_false',
        json({ choices: [{ message: { content: '{"topic":' }, finish_reason: 'length' }] }),
      ).pass,
    ).toBe(true);
    expect(
      check(
        'claude_structured_stream_false',
        json({ content: [{ type: 'tool_use', name: 't', input: JSON.parse(structured) }] }),
      ).pass,
    ).toBe(true);
    expect(
      check(
        'response_structured_stream_false',
        json({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [] }),
      ).pass,
    ).toBe(true);
    // the request's schema echoed in a Responses object is not an answer
    expect(
      check(
        'response_structured_stream_false',
        json({
          status: 'completed',
          text: { format: { schema: { properties: { topic: {}, confidence: {} } } } },
          output: [],
        }),
      ).pass,
    ).toBe(false);
  });
});

describe('PASS rules, streams', () => {
  it('needs a data payload besides [DONE], and no error anywhere', () => {
    expect(check('chat_stream_true', sse(''))).toEqual({ pass: false, reason: 'empty stream' });
    expect(check('chat_stream_true', sse(': ping\n\n'))).toEqual({
      pass: false,
      reason: 'empty stream payload',
    });
    expect(
      check('chat_stream_true', sse(data({ choices: [{ delta: { content: 'hi' } }] }, '[DONE]'))).pass,
    ).toBe(true);
    expect(check('chat_stream_true', sse(data({ error: { message: 'x' } }))).pass).toBe(false);
    expect(check('chat_stream_true', sse(data({ choices: [], note: 'an "error" happened' }))).pass).toBe(
      true,
    );
    expect(check('chat_stream_true', sse(data({ choices: [], detail: { error: 'x' } })))).toMatchObject({
      pass: false,
    });
  });

  it('finds tool calls in each format’s stream', () => {
    const chat = data({
      choices: [{ delta: { tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '' } }] } }],
    });
    expect(check('chat_tools_stream_true', sse(chat)).pass).toBe(true);
    const claude = named(
      ['message_start', { type: 'message_start', message: { usage: {} } }],
      [
        'content_block_start',
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 't', name: 'f', input: {} },
        },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    );
    expect(check('claude_tools_stream_true', sse(claude)).pass).toBe(true);
    const responses = named([
      'response.output_item.added',
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { type: 'function_call', id: 'fc', call_id: 'c', name: 'f', arguments: '' },
      },
    ]);
    expect(check('response_tools_stream_true', sse(responses)).pass).toBe(true);
    expect(
      check('chat_tools_stream_true', sse(data({ choices: [{ delta: { content: 'sunny' } }] }))),
    ).toEqual({
      pass: false,
      reason: 'stream missing tool invocation',
      toolNotInvoked: true,
    });
  });

  it('assembles streamed structured output before checking it', () => {
    const pieces = ['{"to', 'pic":"AI",', '"confidence":0.9}'];
    const chat = data(...pieces.map((p) => ({ choices: [{ delta: { content: p } }] })), '[DONE]');
    expect(check('chat_structured_stream_true', sse(chat)).pass).toBe(true);
    const claude = named(
      [
        'content_block_start',
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 't', name: 'topic_classifier', input: {} },
        },
      ],
      ...pieces.map((p): [string, unknown] => [
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: p } },
      ]),
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    );
    expect(check('claude_structured_stream_true', sse(claude)).pass).toBe(true);
    expect(
      check('chat_structured_stream_true', sse(data({ choices: [{ delta: { content: 'topic' } }] }))),
    ).toEqual({
      pass: false,
      reason: 'stream missing structured output fields',
    });
  });
});

describe('SKIP rules', () => {
  it('skips what the gateway or the model cannot serve', () => {
    expect(isUnsupportedCombination('chat', false, 404, '{}')).toBe(true);
    expect(isUnsupportedCombination('chat', false, 405, '{}')).toBe(true);
    expect(isUnsupportedCombination('chat', false, 503, '{}')).toBe(true);
    expect(
      isUnsupportedCombination('chat', false, 400, 'No available channel for model x in group default'),
    ).toBe(true);
    expect(
      isUnsupportedCombination('claude', false, 400, 'This channel does not support Claude messages'),
    ).toBe(true);
    expect(isUnsupportedCombination('response', false, 400, 'Unknown field `messages`')).toBe(true);
    expect(isUnsupportedCombination('chat', true, 400, 'streaming is not supported')).toBe(true);
    expect(isUnsupportedCombination('chat', false, 400, 'streaming is not supported')).toBe(false);
    expect(isUnsupportedCombination('chat', true, 200, 'data: [DONE]\n\n')).toBe(true);
    expect(isUnsupportedCombination('chat', false, 400, '{"error":{"message":"bad temperature"}}')).toBe(
      false,
    );
    expect(isUnsupportedCombination('chat', false, 500, '{}')).toBe(false);
  });
});

describe('jsonObjectIn', () => {
  it('reads the whole text, a fenced block, or the outermost braces', () => {
    expect(jsonObjectIn(' {"a":1} ')).toEqual({ a: 1 });
    expect(jsonObjectIn('Here:\n```json\n{"a":2}\n```')).toEqual({ a: 2 });
    expect(jsonObjectIn('Result: {"a":3}. Done')).toEqual({ a: 3 });
    expect(jsonObjectIn('[1,2]')).toBeUndefined();
    expect(jsonObjectIn('no json')).toBeUndefined();
  });
});
