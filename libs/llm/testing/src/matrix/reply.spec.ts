import { assembleReply, parseSse } from './reply';

describe('parseSse', () => {
  it('splits events, joins data lines, keeps event names, drops comments and parses JSON', () => {
    const text =
      ': keep-alive\r\n\r\nevent: message_start\r\ndata: {"type":"message_start"}\r\n\r\n' +
      'data: line one\ndata: line two\n\ndata:{"a":1}\n\ndata: [DONE]\n\n';
    expect(parseSse(text)).toEqual([
      { event: 'message_start', data: { type: 'message_start' } },
      { data: 'line one\nline two' },
      { data: { a: 1 } },
      { data: '[DONE]' },
    ]);
  });
});

describe('assembleReply', () => {
  it('reads a chat completion and a chat stream the same way', () => {
    const body = {
      choices: [
        {
          message: {
            content: 'Hi',
            reasoning_content: 'hmm',
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    };
    const whole = assembleReply('chat', { kind: 'json', body });
    const events = parseSse(
      [
        { choices: [{ index: 0, delta: { role: 'assistant', content: 'H', reasoning_content: 'hm' } }] },
        { choices: [{ index: 0, delta: { content: 'i', reasoning_content: 'm' } }] },
        {
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: 'c1', function: { name: 'f', arguments: '{"a"' } }] },
            },
          ],
        },
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] } }] },
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
        { choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } },
      ]
        .map((d) => `data: ${JSON.stringify(d)}\n\n`)
        .join('') + 'data: [DONE]\n\n',
    );
    const streamed = assembleReply('chat', { kind: 'stream', events });
    const { eventNames: _a, ...w } = whole;
    const { eventNames: _b, ...s } = streamed;
    expect(s).toEqual(w);
    expect(w).toEqual({
      text: 'Hi',
      reasoning: 'hmm',
      toolCalls: [{ id: 'c1', name: 'f', arguments: '{"a":1}' }],
      stop: 'tool_calls',
      usage: { prompt_tokens: 3, completion_tokens: 4 },
      errors: [],
    });
  });

  it('reads a Claude message and its stream (tool input from input_json_delta pieces)', () => {
    const whole = assembleReply('claude', {
      kind: 'json',
      body: {
        type: 'message',
        content: [
          { type: 'thinking', thinking: 'plan', signature: 's' },
          { type: 'text', text: 'Calling.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
        ],
        stop_reason: 'tool_use',
      },
    });
    expect(whole).toMatchObject({
      text: 'Calling.',
      reasoning: 'plan',
      toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: '{"location":"Paris"}' }],
      stop: 'tool_use',
    });
    const frames: Array<[string, unknown]> = [
      ['message_start', { type: 'message_start', message: { usage: { input_tokens: 9, output_tokens: 1 } } }],
      [
        'content_block_start',
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      ],
      ['ping', { type: 'ping' }],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Calling.' } },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      [
        'content_block_start',
        {
          type: 'content_block_start',
          index: 1,
          content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
        },
      ],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
      ],
      [
        'content_block_delta',
        {
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '{"location":' },
        },
      ],
      [
        'content_block_delta',
        {
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '"Paris"}' },
        },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 1 }],
      [
        'message_delta',
        { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 12 } },
      ],
      ['message_stop', { type: 'message_stop' }],
    ];
    const text = frames.map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join('');
    const streamed = assembleReply('claude', { kind: 'stream', events: parseSse(text) });
    expect(streamed).toMatchObject({
      text: 'Calling.',
      toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: '{"location":"Paris"}' }],
      stop: 'tool_use',
      usage: { start: { input_tokens: 9, output_tokens: 1 }, delta: { output_tokens: 12 } },
      errors: [],
    });
    expect(streamed.eventNames).toEqual(frames.map(([e]) => e));
  });

  it('reads a Responses stream from its deltas and keeps the final response', () => {
    const final = {
      status: 'completed',
      output: [{ type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'f', arguments: '{"x":1}' }],
      usage: { input_tokens: 5, output_tokens: 6 },
    };
    const events: Array<Record<string, unknown>> = [
      { type: 'response.created', response: { status: 'in_progress' } },
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'f', arguments: '' },
      },
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '{"x"' },
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: ':1}' },
      { type: 'response.output_item.done', output_index: 0, item: final.output[0] },
      { type: 'response.completed', response: final },
    ];
    const text = events.map((d) => `event: ${d.type}\ndata: ${JSON.stringify(d)}\n\n`).join('');
    const streamed = assembleReply('response', { kind: 'stream', events: parseSse(text) });
    expect(streamed).toMatchObject({
      toolCalls: [{ id: 'call_1', name: 'f', arguments: '{"x":1}' }],
      stop: 'completed',
      usage: final.usage,
      terminal: final,
    });
    const whole = assembleReply('response', { kind: 'json', body: final });
    expect(whole.toolCalls).toEqual(streamed.toolCalls);
    const failed = assembleReply('response', {
      kind: 'stream',
      events: parseSse(
        `data: ${JSON.stringify({ type: 'response.failed', response: { status: 'failed', error: { code: 'x' } } })}\n\n`,
      ),
    });
    expect(failed.errors).toEqual([{ code: 'x' }]);
  });
});
