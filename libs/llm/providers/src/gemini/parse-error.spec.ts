import { fixtureText } from './fixtures/read-fixture';
import { parseGeminiError } from './parse-error';

describe('parseGeminiError', () => {
  it.each([
    ['error-429-resource-exhausted.json', 429, 'rate-limit', 429, 'RESOURCE_EXHAUSTED', true],
    ['error-400-api-key-invalid.json', 400, 'auth', 401, 'API_KEY_INVALID', false],
    ['error-400-token-count.json', 400, 'context-length', 400, 'INVALID_ARGUMENT', false],
    ['error-400-unknown-field.json', 400, 'invalid-request', 400, 'INVALID_ARGUMENT', false],
    ['error-403-permission-denied.json', 403, 'permission', 403, 'PERMISSION_DENIED', false],
    ['error-404-model-not-found.json', 404, 'not-found', 404, 'NOT_FOUND', false],
    ['error-503-unavailable.json', 503, 'overloaded', 503, 'UNAVAILABLE', true],
  ] as const)('%s → %s', (name, status, kind, gatewayStatus, code, retryable) => {
    const text = fixtureText(name);
    const error = parseGeminiError(status, text);
    expect(error).toMatchObject({ kind, status: gatewayStatus, providerCode: code, retryable });
    expect(error.message).toBe((JSON.parse(text) as { error: { message: string } }).error.message);
    expect(error.raw).toEqual(JSON.parse(text));
  });

  it('takes the wait from RetryInfo, or from Retry-After when the upstream sends one', () => {
    const text = fixtureText('error-429-resource-exhausted.json');
    expect(parseGeminiError(429, text).retryAfterMs).toBe(37_000);
    expect(parseGeminiError(429, text, { 'retry-after': '3' }).retryAfterMs).toBe(3_000);
  });

  it('treats leaked or expired keys as auth failures and region problems as upstream ones', () => {
    expect(
      parseGeminiError(
        403,
        JSON.stringify({
          error: {
            code: 403,
            message: 'Your API key was reported as leaked. Please use another API key.',
            status: 'PERMISSION_DENIED',
          },
        }),
      ),
    ).toMatchObject({ kind: 'auth', status: 401 });
    expect(
      parseGeminiError(
        400,
        JSON.stringify({
          error: {
            code: 400,
            message: 'User location is not supported for the API use.',
            status: 'FAILED_PRECONDITION',
          },
        }),
      ),
    ).toMatchObject({ kind: 'upstream', status: 502, retryable: true });
    expect(
      parseGeminiError(
        401,
        JSON.stringify({
          error: {
            code: 401,
            message: 'Request had invalid authentication credentials.',
            status: 'UNAUTHENTICATED',
          },
        }),
      ),
    ).toMatchObject({ kind: 'auth', status: 401, providerCode: 'UNAUTHENTICATED' });
  });

  it('reads array-wrapped errors and falls back to the status for other bodies', () => {
    const wrapped = `[${fixtureText('error-503-unavailable.json')}]`;
    expect(parseGeminiError(503, wrapped)).toMatchObject({
      kind: 'overloaded',
      message: 'The model is overloaded. Please try again later.',
    });
    expect(parseGeminiError(500, '<html>oops</html>')).toMatchObject({
      kind: 'upstream',
      status: 500,
      message: 'upstream returned HTTP 500',
    });
    expect(parseGeminiError(504, '')).toMatchObject({ kind: 'timeout' });
  });
});
