import { GatewayError } from '@one-api/llm-core';
import { encodeAnthropicMessagesError } from './encode-error';

describe('encodeAnthropicMessagesError', () => {
  it.each([
    ['invalid-request', 400, 'invalid_request_error'],
    ['context-length', 400, 'invalid_request_error'],
    ['auth', 401, 'authentication_error'],
    ['permission', 403, 'permission_error'],
    ['not-found', 404, 'not_found_error'],
    ['rate-limit', 429, 'rate_limit_error'],
    ['overloaded', 529, 'overloaded_error'],
    ['upstream', 502, 'api_error'],
    ['network', 502, 'api_error'],
    ['timeout', 504, 'timeout_error'],
  ] as const)('encodes %s as HTTP %i with type %s', (kind, status, type) => {
    expect(encodeAnthropicMessagesError(new GatewayError({ kind, message: 'm' }))).toEqual({
      status,
      body: { type: 'error', error: { type, message: 'm' } },
    });
  });

  it('answers 529 for an overloaded error whatever its original status', () => {
    const error = new GatewayError({ kind: 'overloaded', status: 503, message: 'busy' });
    expect(encodeAnthropicMessagesError(error).status).toBe(529);
  });

  it("keeps an Anthropic provider type but not another provider's vocabulary", () => {
    const anthropic = new GatewayError({
      kind: 'permission',
      status: 402,
      message: 'pay',
      providerType: 'billing_error',
    });
    expect(encodeAnthropicMessagesError(anthropic).body.error.type).toBe('billing_error');
    const openai = new GatewayError({
      kind: 'upstream',
      status: 500,
      message: 'x',
      providerType: 'server_error',
    });
    expect(encodeAnthropicMessagesError(openai)).toEqual({
      status: 500,
      body: { type: 'error', error: { type: 'api_error', message: 'x' } },
    });
    const large = new GatewayError({ kind: 'invalid-request', status: 413, message: 'too big' });
    expect(encodeAnthropicMessagesError(large).body.error.type).toBe('request_too_large');
  });
});
