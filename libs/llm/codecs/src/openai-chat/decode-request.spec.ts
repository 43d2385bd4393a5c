import { GatewayError } from '@one-api/llm-core';
import { decodeOpenAiChatRequest, LEGACY_FUNCTIONS_STATE } from './decode-request';

function decodeError(body: unknown): GatewayError {
  try {
    decodeOpenAiChatRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

const base = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };

describe('decodeOpenAiChatRequest', () => {
  it('decodes a minimal request', () => {
    expect(decodeOpenAiChatRequest(base)).toEqual({
      model: 'gpt-4o',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      sampling: {},
      stream: false,
      sourceFormat: 'openai-chat',
    });
  });

  it('maps leading system and developer messages to the system prompt and later ones to system messages', () => {
    const request = decodeOpenAiChatRequest({
      model: 'gpt-4o',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'system', content: [{ type: 'text', text: 'Use metric units.' }] },
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'Now answer in French.' },
      ],
    });
    expect(request.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use metric units.' },
    ]);
    expect(request.messages[1]).toEqual({
      role: 'system',
      content: [{ type: 'text', text: 'Now answer in French.' }],
    });
  });

  it('decodes text, image, audio and file parts with cache hints', () => {
    const request = decodeOpenAiChatRequest({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          name: 'alice',
          content: [
            { type: 'text', text: 'look', cache_control: { type: 'ephemeral', ttl: '1h' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
            { type: 'file', file: { file_id: 'file-123' } },
          ],
        },
      ],
    });
    expect(request.messages[0]).toEqual({
      role: 'user',
      name: 'alice',
      content: [
        { type: 'text', text: 'look', cacheControl: { type: 'ephemeral', ttl: '1h' } },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'high' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } },
        { type: 'audio', data: 'UklGRg==', format: 'wav' },
        { type: 'file', filename: 'a.pdf', mediaType: 'application/pdf', data: 'JVBERi0=' },
        { type: 'file', fileId: 'file-123' },
      ],
    });
  });

  it('decodes assistant tool calls, reasoning_content and merges consecutive tool results', () => {
    const request = decodeOpenAiChatRequest({
      model: 'deepseek-chat',
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'I should call the tool twice.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'rainy' }] },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'I should call the tool twice.' },
          { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'tool-call', id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: 'sunny' }] },
          { type: 'tool-result', toolCallId: 'call_2', content: [{ type: 'text', text: 'rainy' }] },
        ],
      },
    ]);
  });

  it('decodes legacy functions, function_call and function messages, and remembers the legacy style', () => {
    const request = decodeOpenAiChatRequest({
      model: 'gpt-3.5-turbo',
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          function_call: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
        },
        { role: 'function', name: 'get_weather', content: 'snow' },
      ],
      functions: [{ name: 'get_weather', parameters: { type: 'object', properties: {} } }],
      function_call: { name: 'get_weather' },
    });
    expect(request.tools).toEqual([{ name: 'get_weather', parameters: { type: 'object', properties: {} } }]);
    expect(request.toolChoice).toEqual({ type: 'tool', name: 'get_weather' });
    const call = request.messages[1].content[0];
    expect(call).toMatchObject({ type: 'tool-call', name: 'get_weather', arguments: '{"city":"Oslo"}' });
    expect(request.messages[2]).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: (call as { id: string }).id,
          name: 'get_weather',
          content: [{ type: 'text', text: 'snow' }],
        },
      ],
    });
    expect(request.codecState).toEqual({ [LEGACY_FUNCTIONS_STATE]: true });
  });

  it('decodes sampling, tools, tool choice, response format, reasoning and stream options', () => {
    const request = decodeOpenAiChatRequest({
      ...base,
      max_tokens: 100,
      max_completion_tokens: 200,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop: 'END',
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      n: 2,
      logprobs: true,
      top_logprobs: 3,
      tools: [
        {
          type: 'function',
          function: { name: 'f', description: 'does f', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object' }, strict: true, description: 'the output' },
      },
      reasoning_effort: 'high',
      stream: true,
      stream_options: { include_usage: true },
      user: 'u-1',
      metadata: { k: 'v' },
    });
    expect(request.sampling).toEqual({
      maxTokens: 200,
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      stop: ['END'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      n: 2,
      logprobs: true,
      topLogprobs: 3,
    });
    expect(request.tools).toEqual([
      { name: 'f', description: 'does f', parameters: { type: 'object' }, strict: true },
    ]);
    expect(request.toolChoice).toBe('required');
    expect(request.parallelToolCalls).toBe(false);
    expect(request.responseFormat).toEqual({
      type: 'json_schema',
      name: 'out',
      schema: { type: 'object' },
      strict: true,
      description: 'the output',
    });
    expect(request.reasoning).toEqual({ effort: 'high' });
    expect([request.stream, request.includeUsage, request.user, request.metadata]).toEqual([
      true,
      true,
      'u-1',
      { k: 'v' },
    ]);
    expect(request.extra).toBeUndefined();
  });

  it('uses max_tokens when max_completion_tokens is absent and decodes a named tool choice', () => {
    const request = decodeOpenAiChatRequest({
      ...base,
      max_tokens: 64,
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_object' },
    });
    expect(request.sampling.maxTokens).toBe(64);
    expect(request.toolChoice).toEqual({ type: 'tool', name: 'f' });
    expect(request.responseFormat).toEqual({ type: 'json_object' });
  });

  it('keeps unknown top-level fields in extra', () => {
    const request = decodeOpenAiChatRequest({
      ...base,
      store: true,
      logit_bias: { '50256': -100 },
      provider: { order: ['x'] },
    });
    expect(request.extra).toEqual({ store: true, logit_bias: { '50256': -100 }, provider: { order: ['x'] } });
  });

  it.each([
    [null, 'The request body must be a JSON object', undefined],
    [{ messages: [] }, 'model must be a non-empty string', 'model'],
    [{ model: 'm', messages: [] }, 'messages must be a non-empty array', 'messages'],
    [
      { model: 'm', messages: [{ role: 'robot', content: 'x' }] },
      'messages[0].role must be one of',
      'messages',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] },
      'messages[0].content[0].type must be one of text, image_url, input_audio, file',
      'messages',
    ],
    [
      { model: 'm', messages: [{ role: 'tool', content: 'x' }] },
      'messages[0].tool_call_id must be a non-empty string',
      'messages',
    ],
    [{ ...base, temperature: 'hot' }, 'temperature must be a number', 'temperature'],
    [{ ...base, max_tokens: 1.5 }, 'max_tokens must be an integer', 'max_tokens'],
    [{ ...base, tools: [{ type: 'web_search' }] }, 'tools[0].type "web_search" is not supported', 'tools'],
    [{ ...base, tool_choice: 'sometimes' }, 'tool_choice must be', 'tool_choice'],
    [
      { ...base, response_format: { type: 'json_schema', json_schema: {} } },
      'response_format.json_schema.name',
      'response_format',
    ],
    [{ ...base, stream: 'yes' }, 'stream must be a boolean', 'stream'],
  ])('rejects %j with a 400 naming the field', (body, message, param) => {
    const error = decodeError(body);
    expect(error.kind).toBe('invalid-request');
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
    expect(error.param).toBe(param);
  });
});
