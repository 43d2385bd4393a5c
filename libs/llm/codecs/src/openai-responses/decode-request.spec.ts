import { GatewayError } from '@one-api/llm-core';
import { decodeOpenAiResponsesRequest, RESPONSES_STATE, responsesCodecState } from './decode-request';
import { fixtureJson } from './fixtures/read-fixture';

function decodeError(body: unknown, mode?: 'convert' | 'native'): GatewayError {
  try {
    decodeOpenAiResponsesRequest(body, { mode });
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

describe('decodeOpenAiResponsesRequest', () => {
  it('decodes a string input', () => {
    const request = decodeOpenAiResponsesRequest({ model: 'gpt-4.1', input: 'Say hello.' });
    expect(request).toMatchObject({
      model: 'gpt-4.1',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello.' }] }],
      sampling: {},
      stream: false,
      sourceFormat: 'openai-responses',
    });
    expect(request.extra).toBeUndefined();
    expect(responsesCodecState(request)?.echo).toMatchObject({
      instructions: null,
      store: true,
      tools: [],
      tool_choice: 'auto',
      text: { format: { type: 'text' }, verbosity: 'medium' },
      reasoning: { effort: null, summary: null },
    });
  });

  it('decodes a Codex turn: instructions, developer item, reasoning, function and custom tool history, images', () => {
    const request = decodeOpenAiResponsesRequest(fixtureJson('codex-request.json'));
    expect(request.system).toEqual([
      { type: 'text', text: 'You are Codex, a coding agent running in the terminal.' },
      {
        type: 'text',
        text: '<permissions instructions>Sandbox: workspace-write.</permissions instructions>',
      },
    ]);
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: '<environment_context><cwd>/work/app</cwd></environment_context>' },
          { type: 'text', text: 'List the files, then show package.json.' },
        ],
      },
      {
        role: 'assistant',
        content: [
          {
            type: 'reasoning',
            text: '**Listing files**\n\nI will run ls first.',
            signature: 'gAAAAABo-encrypted-reasoning-blob==',
          },
          {
            type: 'tool-call',
            id: 'call_kX2fRk3mQ1vYb7TzU9wE4pLs',
            name: 'shell',
            arguments: '{"command":["ls","-la"],"workdir":"/work/app"}',
          },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_kX2fRk3mQ1vYb7TzU9wE4pLs',
            content: [{ type: 'text', text: 'total 8\n-rw-r--r-- 1 dev dev 512 package.json\n' }],
          },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'There is one file: package.json.' },
          {
            type: 'tool-call',
            id: 'call_P4tchQm8Zr2Lw6Yx0Nc3Vb5d',
            name: 'apply_patch',
            arguments: JSON.stringify({
              input: '*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\n',
            }),
          },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_P4tchQm8Zr2Lw6Yx0Nc3Vb5d',
            content: [{ type: 'text', text: 'Success. Updated the following files:\nA hello.txt\n' }],
          },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Now show package.json and this screenshot.' },
          {
            type: 'image',
            source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
            detail: 'auto',
          },
        ],
      },
    ]);
    expect(request.tools?.map((tool) => tool.name)).toEqual(['shell', 'apply_patch']);
    expect(request.tools?.[0]).toMatchObject({
      strict: false,
      description: 'Runs a shell command and returns its output.',
    });
    expect(request.tools?.[1].parameters).toEqual({
      type: 'object',
      properties: {
        input: {
          type: 'string',
          description: expect.stringContaining(
            'must match this lark grammar:\nstart: begin_patch hunk+ end_patch',
          ),
        },
      },
      required: ['input'],
      additionalProperties: false,
    });
    expect(request.toolChoice).toBe('auto');
    expect(request.parallelToolCalls).toBe(false);
    expect(request.reasoning).toEqual({ effort: 'medium' });
    expect(request.stream).toBe(true);
    expect(request.includeUsage).toBe(true);
    expect(request.responseFormat).toBeUndefined();
    expect(request.extra).toEqual({
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: '0199a7c2-5f4e-7d21-9a3b-6c1e2f3a4b5c',
    });
    const state = responsesCodecState(request);
    expect(state?.customTools).toEqual(['apply_patch']);
    expect(state?.droppedTools).toEqual(['web_search']);
    expect(state?.echo).toMatchObject({
      store: false,
      parallel_tool_calls: false,
      prompt_cache_key: '0199a7c2-5f4e-7d21-9a3b-6c1e2f3a4b5c',
      reasoning: { effort: 'medium', summary: 'auto' },
      text: { format: { type: 'text' }, verbosity: 'medium' },
    });
    expect((state?.echo.tools as unknown[]).length).toBe(3);
  });

  it('decodes the settings of a forced-tool request', () => {
    const request = decodeOpenAiResponsesRequest(fixtureJson('weather-request.json'));
    expect(request.toolChoice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(request.sampling).toEqual({ maxTokens: 2048, temperature: 0.7, topP: 0.9 });
    expect(request.user).toBe('626868fa-0d6a-4d7e-9b5e-2f1c3a4b5d6e');
    expect(request.metadata).toEqual({ session: 'matrix' });
    expect(request.tools).toEqual([
      expect.objectContaining({
        name: 'get_weather',
        strict: true,
        description: 'Get the current weather for a location',
      }),
    ]);
    expect(request.system).toEqual([
      { type: 'text', text: 'You MUST call the get_weather function when asked about weather.' },
    ]);
    expect(request.stream).toBe(false);
    expect(request.includeUsage).toBeUndefined();
  });

  it('accepts every tool_choice form, narrowing tools for allowed_tools', () => {
    const tools = [
      { type: 'function', name: 'a', parameters: { type: 'object' } },
      { type: 'function', name: 'b' },
    ];
    const choice = (tool_choice: unknown) =>
      decodeOpenAiResponsesRequest({ model: 'm', input: 'x', tools, tool_choice });
    expect(choice('none').toolChoice).toBe('none');
    expect(choice('required').toolChoice).toBe('required');
    expect(choice({ type: 'function', name: 'b' }).toolChoice).toEqual({ type: 'tool', name: 'b' });
    expect(choice({ type: 'tool', name: 'a' }).toolChoice).toEqual({ type: 'tool', name: 'a' });
    expect(choice({ type: 'function', function: { name: 'a' } }).toolChoice).toEqual({
      type: 'tool',
      name: 'a',
    });
    const allowed = choice({
      type: 'allowed_tools',
      mode: 'required',
      tools: [{ type: 'function', name: 'b' }],
    });
    expect(allowed.toolChoice).toBe('required');
    expect(allowed.tools?.map((tool) => tool.name)).toEqual(['b']);
    expect(decodeError({ model: 'm', input: 'x', tools, tool_choice: 'maybe' }).param).toBe('tool_choice');
  });

  it('maps text.format to the response format', () => {
    const format = (value: unknown) =>
      decodeOpenAiResponsesRequest({ model: 'm', input: 'x', text: { format: value } }).responseFormat;
    expect(format({ type: 'text' })).toEqual({ type: 'text' });
    expect(format({ type: 'json_object' })).toEqual({ type: 'json_object' });
    expect(
      format({
        type: 'json_schema',
        name: 'topic_classification',
        strict: true,
        schema: { type: 'object', properties: { topic: { type: 'string' } } },
        description: 'd',
      }),
    ).toEqual({
      type: 'json_schema',
      name: 'topic_classification',
      strict: true,
      schema: { type: 'object', properties: { topic: { type: 'string' } } },
      description: 'd',
    });
    expect(decodeError({ model: 'm', input: 'x', text: { format: { type: 'json_schema' } } }).message).toBe(
      'text.format.name must be a non-empty string',
    );
  });

  it('decodes tool outputs given as content parts, files and system items after the first turn', () => {
    const request = decodeOpenAiResponsesRequest({
      model: 'm',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
          ],
        },
        { type: 'function_call', call_id: 'c1', name: 'shot', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'shot', arguments: '{}' },
        {
          type: 'function_call_output',
          call_id: 'c1',
          output: [
            { type: 'input_text', text: 'done' },
            { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'low' },
          ],
        },
        { type: 'function_call_output', call_id: 'c2', output: 'ok' },
        { role: 'system', content: 'Now answer in French.' },
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'q' } },
      ],
    });
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [{ type: 'file', filename: 'a.pdf', mediaType: 'application/pdf', data: 'JVBERi0=' }],
      },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', id: 'c1', name: 'shot', arguments: '{}' },
          { type: 'tool-call', id: 'c2', name: 'shot', arguments: '{}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c1',
            content: [
              { type: 'text', text: 'done' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'low' },
            ],
          },
          { type: 'tool-result', toolCallId: 'c2', content: [{ type: 'text', text: 'ok' }] },
        ],
      },
      { role: 'system', content: [{ type: 'text', text: 'Now answer in French.' }] },
    ]);
  });

  it('keeps reasoning content (reasoning_text) over the summary and skips empty reasoning items', () => {
    const request = decodeOpenAiResponsesRequest({
      model: 'gpt-oss-120b',
      input: [
        { role: 'user', content: 'hi' },
        { type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'think' }] },
        { type: 'reasoning', id: 'rs_2', summary: [] },
        { role: 'assistant', content: 'hello' },
      ],
    });
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'think' },
        { type: 'text', text: 'hello' },
      ],
    });
  });

  it.each([
    ['previous_response_id', { previous_response_id: 'resp_123' }],
    ['conversation', { conversation: 'conv_123' }],
    ['prompt', { prompt: { id: 'pmpt_1' } }],
    ['background', { background: true }],
  ])(
    'refuses %s on a converted path with a 400 naming it, and keeps it in extra natively',
    (field, extra) => {
      const body = { model: 'm', input: 'x', ...extra };
      const error = decodeError(body);
      expect(error.status).toBe(400);
      expect(error.kind).toBe('invalid-request');
      expect(error.param).toBe(field);
      expect(error.message).toMatch(new RegExp(`^${field} is not supported for this model`));
      expect(decodeOpenAiResponsesRequest(body, { mode: 'native' }).extra).toEqual(extra);
    },
  );

  it('refuses item references and forced hosted tools on a converted path', () => {
    const reference = decodeError({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] });
    expect(reference.param).toBe('input');
    expect(reference.message).toMatch(/^input\[0\] is an item_reference/);
    const forced = decodeError({
      model: 'm',
      input: 'x',
      tools: [{ type: 'web_search' }],
      tool_choice: { type: 'web_search_preview' },
    });
    expect(forced.param).toBe('tool_choice');
    expect(forced.message).toMatch(/forces the hosted tool "web_search_preview"/);
  });

  it('sends no tools at all when only hosted tools were given', () => {
    const request = decodeOpenAiResponsesRequest({
      model: 'm',
      input: 'x',
      tools: [{ type: 'web_search' }],
      tool_choice: 'auto',
    });
    expect(request.tools).toBeUndefined();
    expect(request.toolChoice).toBeUndefined();
    expect(responsesCodecState(request)?.droppedTools).toEqual(['web_search']);
    expect(decodeOpenAiResponsesRequest({ model: 'm', input: 'x', tools: [] }).tools).toEqual([]);
  });

  it('keeps hosted tools in extra.tools in native mode', () => {
    const request = decodeOpenAiResponsesRequest(
      {
        model: 'm',
        input: 'x',
        tools: [
          { type: 'web_search' },
          { type: 'function', name: 'f' },
          { type: 'file_search', vector_store_ids: ['vs_1'] },
        ],
      },
      { mode: 'native' },
    );
    expect(request.tools).toEqual([{ name: 'f' }]);
    expect(request.extra).toEqual({
      tools: [{ type: 'web_search' }, { type: 'file_search', vector_store_ids: ['vs_1'] }],
    });
    expect(request.codecState?.[RESPONSES_STATE]).toMatchObject({ droppedTools: [] });
  });

  it('maps reasoning effort none to reasoning off', () => {
    expect(
      decodeOpenAiResponsesRequest({ model: 'm', input: 'x', reasoning: { effort: 'none' } }).reasoning,
    ).toEqual({
      effort: 'none',
      enabled: false,
    });
  });

  it.each([
    [{}, 'model must be a non-empty string', 'model'],
    [{ model: 'm' }, 'input is required', 'input'],
    [{ model: 'm', input: 5 }, 'input must be a string or an array of input items', 'input'],
    [
      { model: 'm', input: [{ type: 'computer_call', id: 'x' }] },
      'input[0].type "computer_call" is not supported',
      'input',
    ],
    [{ model: 'm', input: [{ role: 'tool', content: 'x' }] }, 'input[0].role must be one of', 'input'],
    [
      { model: 'm', input: [{ role: 'user', content: [{ type: 'image_url' }] }] },
      'input[0].content[0].type must be one of',
      'input',
    ],
    [
      { model: 'm', input: [{ type: 'function_call', name: 'f' }] },
      'input[0].call_id must be a non-empty string',
      'input',
    ],
    [
      { model: 'm', input: 'x', tools: [{ type: 'function' }] },
      'tools[0].name must be a non-empty string',
      'tools',
    ],
    [
      { model: 'm', input: 'x', max_output_tokens: 1.5 },
      'max_output_tokens must be an integer',
      'max_output_tokens',
    ],
    [
      { model: 'm', input: 'x', metadata: { a: 1 } },
      'metadata must be an object of string values',
      'metadata',
    ],
  ])('rejects %j: %s', (body, message, param) => {
    const error = decodeError(body);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.param).toBe(param);
  });
});
