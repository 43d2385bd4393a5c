import { GatewayError } from '@one-api/llm-core';
import { decodeAnthropicMessagesRequest } from './decode-request';
import { fixtureJson } from './fixtures/read-fixture';
import {
  ANTHROPIC_BETA_STATE,
  ANTHROPIC_SERVER_TOOLS_STATE,
  ANTHROPIC_THINKING_DISPLAY_STATE,
  ANTHROPIC_VERSION_STATE,
  anthropicCallerHeaders,
  withAnthropicHeaders,
} from './request-state';

function decodeError(body: unknown): GatewayError {
  try {
    decodeAnthropicMessagesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

const base = { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

describe('decodeAnthropicMessagesRequest', () => {
  it('decodes a minimal request', () => {
    expect(decodeAnthropicMessagesRequest(base)).toEqual({
      model: 'claude-haiku-4-5',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      sampling: { maxTokens: 100 },
      stream: false,
      sourceFormat: 'anthropic-messages',
    });
  });

  it('decodes the recorded request: system blocks, images, thinking, tool history, tools and settings', () => {
    const request = decodeAnthropicMessagesRequest(fixtureJson('messages-request.json'));
    expect(request.system).toEqual([
      { type: 'text', text: 'You are a weather assistant.' },
      { type: 'text', text: 'Answer in metric units.', cacheControl: { type: 'ephemeral' } },
    ]);
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is the weather in Paris? Here is a photo.' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/sky.jpg' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          {
            type: 'reasoning',
            text: 'The user wants the weather in Paris.',
            signature: 'EqQBCkYIBRgCKkBsig0',
          },
          {
            type: 'reasoning',
            text: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP',
            redacted: true,
          },
          { type: 'text', text: 'Let me check.' },
          {
            type: 'tool-call',
            id: 'toolu_01A09q90qw90lq917835lq9',
            name: 'get_weather',
            arguments: '{"location":"Paris","unit":"celsius"}',
          },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_01A09q90qw90lq917835lq9',
            content: [{ type: 'text', text: '{"temperature_c":15,"condition":"Foggy"}' }],
            cacheControl: { type: 'ephemeral', ttl: '1h' },
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'And in fahrenheit?' }] },
    ]);
    expect(request.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Get the current weather in a given location',
        parameters: {
          type: 'object',
          properties: {
            location: { type: 'string', description: 'The city' },
            unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          },
          required: ['location'],
        },
        cacheControl: { type: 'ephemeral' },
      },
    ]);
    expect(request.codecState).toEqual({
      [ANTHROPIC_SERVER_TOOLS_STATE]: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
    });
    expect(request.toolChoice).toBe('auto');
    expect(request.parallelToolCalls).toBe(false);
    expect(request.reasoning).toEqual({ enabled: true, budgetTokens: 2048 });
    expect(request.sampling).toEqual({ maxTokens: 4096, temperature: 1, stop: ['\n\nHuman:'] });
    expect(request.stream).toBe(true);
    expect(request.includeUsage).toBe(true);
    expect(request.user).toBe('user_3f9a');
    expect(request.extra).toEqual({ metadata: { user_id: 'user_3f9a' }, service_tier: 'auto' });
  });

  it('maps tool_choice any / tool / none and keeps parallel calls on when not disabled', () => {
    const decode = (toolChoice: unknown) =>
      decodeAnthropicMessagesRequest({ ...base, tool_choice: toolChoice });
    expect(decode({ type: 'any' }).toolChoice).toBe('required');
    expect(decode({ type: 'none' }).toolChoice).toBe('none');
    expect(decode({ type: 'tool', name: 'f' }).toolChoice).toEqual({ type: 'tool', name: 'f' });
    expect(decode({ type: 'auto', disable_parallel_tool_use: false }).parallelToolCalls).toBe(true);
    expect(decode({ type: 'auto' }).parallelToolCalls).toBeUndefined();
  });

  it('maps thinking disabled / adaptive with display, and output_config effort and format', () => {
    expect(decodeAnthropicMessagesRequest({ ...base, thinking: { type: 'disabled' } }).reasoning).toEqual({
      enabled: false,
    });
    const adaptive = decodeAnthropicMessagesRequest({
      ...base,
      thinking: { type: 'adaptive', display: 'summarized' },
      output_config: { effort: 'high', format: { type: 'json_schema', schema: { type: 'object' } } },
    });
    expect(adaptive.reasoning).toEqual({ enabled: true, effort: 'high' });
    expect(adaptive.codecState).toEqual({ [ANTHROPIC_THINKING_DISPLAY_STATE]: 'summarized' });
    expect(adaptive.responseFormat).toEqual({
      type: 'json_schema',
      name: 'output',
      schema: { type: 'object' },
    });
    expect(adaptive.extra).toEqual({
      output_config: { effort: 'high', format: { type: 'json_schema', schema: { type: 'object' } } },
    });
  });

  it('maps documents: PDFs and file ids to file parts, text and content sources to text', () => {
    const request = decodeAnthropicMessagesRequest({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              title: 'report.pdf',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
              cache_control: { type: 'ephemeral' },
            },
            { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
            { type: 'document', source: { type: 'file', file_id: 'file_011' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
            { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'chunk' }] } },
          ],
        },
      ],
    });
    expect(request.messages[0].content).toEqual([
      {
        type: 'file',
        data: 'JVBERi0=',
        mediaType: 'application/pdf',
        filename: 'report.pdf',
        cacheControl: { type: 'ephemeral' },
      },
      { type: 'file', url: 'https://example.com/a.pdf', mediaType: 'application/pdf' },
      { type: 'file', fileId: 'file_011' },
      { type: 'text', text: 'plain words' },
      { type: 'text', text: 'chunk' },
    ]);
  });

  it('decodes tool results given as a string, with is_error, and several results in one turn', () => {
    const request = decodeAnthropicMessagesRequest({
      ...base,
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_a', name: 'a', input: {} },
            { type: 'tool_use', id: 'toolu_b', name: 'b', input: { x: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_a', content: 'done' },
            { type: 'tool_result', tool_use_id: 'toolu_b', content: 'boom', is_error: true },
          ],
        },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', id: 'toolu_a', name: 'a', arguments: '{}' },
          { type: 'tool-call', id: 'toolu_b', name: 'b', arguments: '{"x":1}' },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'toolu_a', content: [{ type: 'text', text: 'done' }] },
          {
            type: 'tool-result',
            toolCallId: 'toolu_b',
            content: [{ type: 'text', text: 'boom' }],
            isError: true,
          },
        ],
      },
    ]);
  });

  it.each([
    [{ ...base, max_tokens: undefined }, 'max_tokens: Field required', 'max_tokens'],
    [{ ...base, model: '' }, 'model: Field required', 'model'],
    [{ ...base, messages: [] }, 'messages: at least one message is required', 'messages'],
    [{ ...base, max_tokens: 1.5 }, 'max_tokens: Input should be a valid integer', 'max_tokens'],
    [
      { ...base, messages: [{ role: 'system', content: 'x' }] },
      'messages.0.role: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.',
      'messages',
    ],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'svg' } }] }] },
      "messages.0.content.0.source.type: Input should be 'base64' or 'url'",
      'messages',
    ],
    [
      {
        ...base,
        messages: [
          { role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search' }] },
        ],
      },
      'messages.0.content.0.type: "server_tool_use" blocks in assistant messages can only be sent to an Anthropic channel',
      'messages',
    ],
    [{ ...base, tools: [{ name: 'f' }] }, 'tools.0.input_schema: Field required', 'tools'],
    [
      { ...base, tool_choice: { type: 'maybe' } },
      "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'",
      'tool_choice',
    ],
    [
      { ...base, thinking: { type: 'enabled' } },
      'thinking.enabled.budget_tokens: Field required',
      'thinking',
    ],
    [
      { ...base, system: [{ type: 'text', text: 'x', cache_control: { type: 'persistent' } }] },
      'system.0.cache_control: must be {"type": "ephemeral"}',
      'system',
    ],
  ])('rejects %j with "%s"', (body, message, param) => {
    const error = decodeError(body);
    expect(error.kind).toBe('invalid-request');
    expect(error.status).toBe(400);
    expect(error.message).toBe(message);
    expect(error.param).toBe(param);
  });

  it('rejects a body that is not an object', () => {
    expect(decodeError('[]').message).toBe('The request body must be a JSON object');
  });

  it('turns unsupported blocks into JSON text in lenient mode and lets max_tokens be absent', () => {
    const request = decodeAnthropicMessagesRequest(
      {
        model: 'm',
        messages: [
          { role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search' }] },
        ],
      },
      { lenient: true, requireMaxTokens: false },
    );
    expect(request.messages[0].content).toEqual([
      { type: 'text', text: '{"type":"server_tool_use","id":"s","name":"web_search"}' },
    ]);
    expect(request.sampling).toEqual({});
  });

  it('records the caller anthropic-version and anthropic-beta headers in the codec state', () => {
    const headers = anthropicCallerHeaders({
      'anthropic-version': '2023-06-01',
      'anthropic-beta': ['interleaved-thinking-2025-05-14', 'fine-grained-tool-streaming-2025-05-14'],
      'x-other': 'x',
    });
    expect(headers).toEqual({
      version: '2023-06-01',
      beta: 'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
    });
    const request = withAnthropicHeaders(decodeAnthropicMessagesRequest(base), headers);
    expect(request.codecState).toEqual({
      [ANTHROPIC_VERSION_STATE]: '2023-06-01',
      [ANTHROPIC_BETA_STATE]: 'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
    });
    expect(anthropicCallerHeaders({})).toEqual({});
  });
});
