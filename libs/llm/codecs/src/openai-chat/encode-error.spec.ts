import { GatewayError } from '@one-api/llm-core';
import { encodeOpenAiChatError } from './encode-error';

describe('encodeOpenAiChatError', () => {
  it.each([
    ['invalid-request', 400, 'invalid_request_error', null],
    ['context-length', 400, 'invalid_request_error', 'context_length_exceeded'],
    ['auth', 401, 'authentication_error', null],
    ['permission', 403, 'permission_error', null],
    ['not-found', 404, 'invalid_request_error', null],
    ['rate-limit', 429, 'rate_limit_error', 'rate_limit_exceeded'],
    ['overloaded', 503, 'server_error', null],
    ['upstream', 502, 'server_error', null],
    ['timeout', 504, 'server_error', null],
  ] as const)('encodes %s as HTTP %i with type %s', (kind, status, type, code) => {
    expect(encodeOpenAiChatError(new GatewayError({ kind, message: 'm' }))).toEqual({
      status,
      body: { error: { message: 'm', type, param: null, code } },
    });
  });

  it("keeps the provider's type, code and param", () => {
    const error = new GatewayError({
      kind: 'not-found',
      message: "The model 'x' does not exist",
      providerType: 'invalid_request_error',
      providerCode: 'model_not_found',
      param: 'model',
    });
    expect(encodeOpenAiChatError(error)).toEqual({
      status: 404,
      body: {
        error: {
          message: "The model 'x' does not exist",
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      },
    });
  });
});
