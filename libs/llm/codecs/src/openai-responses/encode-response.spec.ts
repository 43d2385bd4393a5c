import { GatewayError, makeUsage, type CanonicalResponse } from '@one-api/llm-core';
import { openAiResponsesCodec } from './codec';
import { decodeOpenAiResponsesRequest } from './decode-request';
import { encodeOpenAiResponsesResponse } from './encode-response';
import { counterIds, normalize } from './fixtures/normalize';
import { fixtureJson } from './fixtures/read-fixture';

const reasoningRequest = decodeOpenAiResponsesRequest({
  ...fixtureJson<Record<string, unknown>>('stream-reasoning-request.json'),
  stream: false,
});

function response(partial: Partial<CanonicalResponse>): CanonicalResponse {
  return {
    id: 'chatcmpl-abc',
    model: 'gpt-4o-2024-08-06',
    created: 1700000000,
    content: [{ type: 'text', text: 'Hello' }],
    finishReason: { reason: 'stop', raw: 'stop' },
    ...partial,
  };
}

describe('encodeOpenAiResponsesResponse', () => {
  it('gives the recorded reasoning + text response back', () => {
    const encoded = encodeOpenAiResponsesResponse(
      response({
        id: 'resp_68b0a1f1b2c38190a6d4e5f6a7b8c9d00b1c2d3e4f5a6b7c',
        model: 'gpt-5-mini-2025-08-07',
        created: 1756400113,
        content: [
          {
            type: 'reasoning',
            text: '**Computing the sum**\n\nTwo plus two equals four.',
            signature: 'gAAAAABosKHzEnCrYpTeDrEaSoNiNgBlOb==',
          },
          { type: 'text', text: '2 + 2 = 4.' },
        ],
        finishReason: { reason: 'stop', raw: 'completed' },
        usage: makeUsage({ inputTokens: 17, outputTokens: 83, reasoningTokens: 64 }),
      }),
      { request: reasoningRequest },
    );
    expect(normalize(encoded)).toEqual(normalize(fixtureJson('response-reasoning-text.json')));
    expect(encoded.id).toBe('resp_68b0a1f1b2c38190a6d4e5f6a7b8c9d00b1c2d3e4f5a6b7c');
  });

  it('gives the recorded function-call response back, echoing the request tools', () => {
    const request = decodeOpenAiResponsesRequest({
      ...fixtureJson<Record<string, unknown>>('stream-tool-calls-request.json'),
      stream: false,
    });
    const encoded = openAiResponsesCodec.encodeResponse(
      response({
        id: 'resp_68b0b2a4d5e68190c1f2a3b4c5d6e7f80a9b8c7d6e5f4a3b',
        model: 'gpt-4.1-2025-04-14',
        created: 1756404900,
        content: [
          {
            type: 'tool-call',
            id: 'call_Ab3dEf6hIj9kLm2nOp5qRs8t',
            name: 'get_weather',
            arguments: '{"location":"Paris, France","unit":"celsius"}',
          },
          {
            type: 'tool-call',
            id: 'call_Uv1wXy4zAb7cDe0fGh3iJk6l',
            name: 'get_weather',
            arguments: '{"location":"Tōkyō, Japan","unit":"celsius"}',
          },
        ],
        finishReason: { reason: 'tool_calls', raw: 'tool_calls' },
        usage: makeUsage({ inputTokens: 326, cacheReadTokens: 256, outputTokens: 54 }),
      }),
      { request },
    );
    expect(normalize(encoded)).toEqual(normalize(fixtureJson('response-tool-calls.json')));
  });

  it('reports max tokens as an incomplete response with an incomplete message', () => {
    const encoded = encodeOpenAiResponsesResponse(
      response({ finishReason: { reason: 'length', raw: 'length' } }),
      { request: reasoningRequest, model: 'my-alias' },
      counterIds(),
    );
    expect(encoded).toMatchObject({
      id: 'resp_test0',
      model: 'my-alias',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      error: null,
      usage: null,
      output: [
        {
          id: 'msg_test1',
          type: 'message',
          status: 'incomplete',
          role: 'assistant',
          content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Hello' }],
        },
      ],
    });
  });

  it.each([
    [
      'content_filter',
      { status: 'incomplete', incomplete_details: { reason: 'content_filter' }, error: null },
    ],
    ['error', { status: 'failed', incomplete_details: null, error: { code: 'server_error' } }],
    ['other', { status: 'completed', incomplete_details: null, error: null }],
  ] as const)('maps the %s finish reason', (reason, expected) => {
    const encoded = encodeOpenAiResponsesResponse(response({ finishReason: { reason, raw: 'x' } }), {
      request: reasoningRequest,
    });
    expect(encoded).toMatchObject(expected);
  });

  it('answers custom tool calls as custom_tool_call items and skips redacted reasoning', () => {
    const request = decodeOpenAiResponsesRequest(fixtureJson('codex-request.json'));
    const encoded = encodeOpenAiResponsesResponse(
      response({
        content: [
          { type: 'reasoning', text: 'opaque', redacted: true },
          { type: 'text', text: 'Patching.' },
          { type: 'text', text: ' Now.' },
          {
            type: 'tool-call',
            id: 'call_1',
            name: 'apply_patch',
            arguments: '{"input":"*** Begin Patch\\n"}',
          },
          { type: 'tool-call', id: 'call_2', name: 'shell', arguments: '{"command":["ls"]}' },
        ],
        finishReason: { reason: 'tool_calls', raw: 'tool_use' },
      }),
      { request },
      counterIds(),
    );
    expect(encoded.output).toEqual([
      {
        id: 'msg_test1',
        type: 'message',
        status: 'completed',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Patching. Now.' }],
        role: 'assistant',
      },
      {
        id: 'ctc_test2',
        type: 'custom_tool_call',
        call_id: 'call_1',
        input: '*** Begin Patch\n',
        name: 'apply_patch',
      },
      {
        id: 'fc_test3',
        type: 'function_call',
        status: 'completed',
        arguments: '{"command":["ls"]}',
        call_id: 'call_2',
        name: 'shell',
      },
    ]);
    expect(encoded).toMatchObject({
      status: 'completed',
      store: false,
      parallel_tool_calls: false,
      instructions: 'You are Codex, a coding agent running in the terminal.',
      prompt_cache_key: '0199a7c2-5f4e-7d21-9a3b-6c1e2f3a4b5c',
      reasoning: { effort: 'medium', summary: 'auto' },
    });
  });

  it('encodes errors in OpenAI shape with the HTTP status', () => {
    expect(
      openAiResponsesCodec.encodeError(
        new GatewayError({
          kind: 'invalid-request',
          message: 'previous_response_id is not supported',
          param: 'previous_response_id',
        }),
      ),
    ).toEqual({
      status: 400,
      body: {
        error: {
          message: 'previous_response_id is not supported',
          type: 'invalid_request_error',
          param: 'previous_response_id',
          code: null,
        },
      },
    });
    expect(
      openAiResponsesCodec.encodeError(new GatewayError({ kind: 'rate-limit', message: 'slow down' })),
    ).toEqual({
      status: 429,
      body: {
        error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
      },
    });
  });

  it('decodes for conversion through the codec object', () => {
    expect(() =>
      openAiResponsesCodec.decodeRequest({ model: 'm', input: 'x', previous_response_id: 'resp_1' }),
    ).toThrow(/previous_response_id/);
    expect(openAiResponsesCodec.format).toBe('openai-responses');
  });
});
