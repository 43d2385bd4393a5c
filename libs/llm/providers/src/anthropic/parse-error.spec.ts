import { anthropicAdapter } from './adapter';
import { fixtureText } from './fixtures/read-fixture';

describe('Anthropic adapter: parse error', () => {
  it.each([
    ['error-529-overloaded.json', 529, 'overloaded', true, 'overloaded_error', 'Overloaded'],
    ['error-429-rate-limit.json', 429, 'rate-limit', true, 'rate_limit_error', /exceed the rate limit/],
    ['error-401-authentication.json', 401, 'auth', false, 'authentication_error', 'invalid x-api-key'],
    [
      'error-400-prompt-too-long.json',
      400,
      'context-length',
      false,
      'invalid_request_error',
      /prompt is too long/,
    ],
    ['error-400-invalid-signature.json', 400, 'invalid-request', false, 'invalid_request_error', /signature/],
  ] as const)('%s → %s', (name, status, kind, retryable, type, message) => {
    const error = anthropicAdapter.parseError(status, fixtureText(name), { 'retry-after': '7' });
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.providerType).toBe(type);
    expect(error.message).toMatch(message);
    expect(error.retryAfterMs).toBe(7000);
  });

  it('falls back to the status for bodies that are not Anthropic errors', () => {
    expect(anthropicAdapter.parseError(529, '')).toMatchObject({
      kind: 'overloaded',
      status: 529,
      retryable: true,
    });
    expect(anthropicAdapter.parseError(403, '<html>forbidden</html>')).toMatchObject({
      kind: 'permission',
      message: 'upstream returned HTTP 403',
    });
    expect(
      anthropicAdapter.parseError(
        500,
        '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}',
      ),
    ).toMatchObject({ kind: 'upstream', retryable: true, message: 'Internal server error' });
    expect(
      anthropicAdapter.parseError(
        402,
        '{"type":"error","error":{"type":"billing_error","message":"Your credit balance is too low"}}',
      ),
    ).toMatchObject({ kind: 'permission', status: 402, providerType: 'billing_error' });
  });
});
