import { GatewayError } from '@one-api/llm-core';
import { fixtureJson } from './fixtures/read-fixture';
import { parseOpenAiResponsesError } from './parse-error';
import { parseOpenAiResponsesResponse } from './parse-response';

function parseError(json: unknown): GatewayError {
  try {
    parseOpenAiResponsesResponse(json);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('parseOpenAiResponsesResponse', () => {
  it('reads reasoning, custom and function tool calls, usage and the finish of a completed response', () => {
    expect(parseOpenAiResponsesResponse(fixtureJson('response-custom.json'))).toEqual({
      id: 'resp_68c1d2e3f4a58190b6c7d8e9f0a1b2c30d4e5f6a7b8c9d0e',
      model: 'gpt-5-codex',
      created: 1757500000,
      content: [
        {
          type: 'reasoning',
          text: '**Planning the edit**\n\nI need a new file.\n\n**Checking**\n\nThen list it.',
          signature: 'gAAAAABoxCoDeXeNcRyPtEd==',
        },
        {
          type: 'tool-call',
          id: 'call_Cu5tOmP4tCh0000000000001',
          name: 'apply_patch',
          arguments: JSON.stringify({
            input: '*** Begin Patch\n*** Add File: notes/"todo".md\n+- ship it \u2705\n*** End Patch\n',
          }),
        },
        {
          type: 'tool-call',
          id: 'call_Sh3llLs00000000000000002',
          name: 'shell',
          arguments: '{"command":["ls","notes"]}',
        },
      ],
      finishReason: { reason: 'tool_calls', raw: 'completed' },
      usage: {
        inputTokens: 5210,
        cacheReadTokens: 4864,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 0,
        outputTokens: 311,
        reasoningTokens: 192,
        totalTokens: 5521,
      },
      serviceTier: 'default',
    });
  });

  it('reports an incomplete response as a length finish', () => {
    const response = parseOpenAiResponsesResponse(fixtureJson('response-incomplete.json'));
    expect(response.content).toEqual([{ type: 'text', text: 'Once upon a time, in a land far' }]);
    expect(response.finishReason).toEqual({ reason: 'length', raw: 'max_output_tokens' });
    expect(response.usage).toMatchObject({ inputTokens: 12, outputTokens: 16, totalTokens: 28 });
    const filtered = parseOpenAiResponsesResponse({
      ...fixtureJson<Record<string, unknown>>('response-incomplete.json'),
      incomplete_details: { reason: 'content_filter' },
    });
    expect(filtered.finishReason).toEqual({ reason: 'content_filter', raw: 'content_filter' });
  });

  it('throws the failure of a failed response by its code', () => {
    const error = parseError(fixtureJson('response-failed.json'));
    expect(error.kind).toBe('rate-limit');
    expect(error.retryable).toBe(true);
    expect(error.providerCode).toBe('rate_limit_exceeded');
    expect(error.message).toMatch(/^Rate limit reached/);
    const context = parseError({
      object: 'response',
      status: 'failed',
      error: { code: 'context_length_exceeded', message: 'too long' },
      output: [],
    });
    expect(context.kind).toBe('context-length');
    expect(
      parseError({
        object: 'response',
        status: 'failed',
        error: { code: 'invalid_image_url', message: 'bad' },
        output: [],
      }).kind,
    ).toBe('invalid-request');
  });

  it('throws on an error envelope with status 200, an unfinished response and a non-object', () => {
    const envelope = parseError({
      error: { message: 'Invalid model', type: 'invalid_request_error', code: 'model_not_found' },
    });
    expect(envelope).toMatchObject({
      status: 502,
      message: 'Invalid model',
      providerCode: 'model_not_found',
    });
    expect(parseError({ object: 'response', status: 'queued', output: [] }).message).toBe(
      'upstream returned a response that is still queued',
    );
    expect(parseError('nope').message).toBe('upstream returned a response that is not a JSON object');
    expect(parseError({ object: 'response', status: 'completed' }).message).toBe(
      'upstream returned a response without output',
    );
  });

  it('reads refusals, reasoning_text content and skips hosted tool records', () => {
    const response = parseOpenAiResponsesResponse({
      id: 'resp_1',
      object: 'response',
      created_at: 5,
      status: 'completed',
      model: 'gpt-oss-120b',
      output: [
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: 'short' }],
          content: [{ type: 'reasoning_text', text: 'long' }],
        },
        { type: 'web_search_call', id: 'ws_1', status: 'completed' },
        { type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
      ],
    });
    expect(response.content).toEqual([
      { type: 'reasoning', text: 'long' },
      { type: 'text', text: 'No.' },
    ]);
    expect(response.usage).toBeUndefined();
    expect(response.finishReason).toEqual({ reason: 'stop', raw: 'completed' });
  });

  it('parses HTTP errors in the OpenAI envelope', () => {
    const error = parseOpenAiResponsesError(
      400,
      JSON.stringify({
        error: {
          message: "Previous response with id 'resp_x' not found.",
          type: 'invalid_request_error',
          param: 'previous_response_id',
          code: 'previous_response_not_found',
        },
      }),
    );
    expect(error).toMatchObject({ kind: 'invalid-request', status: 400, param: 'previous_response_id' });
  });
});
