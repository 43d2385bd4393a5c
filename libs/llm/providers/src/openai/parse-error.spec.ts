import { fixtureText } from './fixtures/read-fixture';
import { parseOpenAiError, retryAfterMs } from './parse-error';

describe('parseOpenAiError', () => {
  it('maps the recorded OpenAI error bodies', () => {
    const auth = parseOpenAiError(401, fixtureText('error-401-invalid-api-key.json'));
    expect([auth.kind, auth.status, auth.retryable, auth.providerCode, auth.providerType]).toEqual([
      'auth',
      401,
      false,
      'invalid_api_key',
      'invalid_request_error',
    ]);
    const rate = parseOpenAiError(429, fixtureText('error-429-rate-limit.json'), { 'retry-after': '2' });
    expect([rate.kind, rate.status, rate.retryable, rate.providerCode, rate.retryAfterMs]).toEqual([
      'rate-limit',
      429,
      true,
      'rate_limit_exceeded',
      2000,
    ]);
    expect(rate.message).toMatch(/^Rate limit reached for gpt-4o/);
    const context = parseOpenAiError(400, fixtureText('error-400-context-length.json'));
    expect([context.kind, context.status, context.retryable, context.param]).toEqual([
      'context-length',
      400,
      false,
      'messages',
    ]);
    const server = parseOpenAiError(500, fixtureText('error-500-server.json'));
    expect([server.kind, server.status, server.retryable, server.providerCode]).toEqual([
      'upstream',
      500,
      true,
      undefined,
    ]);
    expect(server.message).toBe('The server had an error while processing your request. Sorry about that!');
  });

  it.each([
    [403, 'permission', false],
    [404, 'not-found', false],
    [408, 'timeout', true],
    [409, 'invalid-request', false],
    [422, 'invalid-request', false],
    [502, 'upstream', true],
    [503, 'overloaded', true],
    [504, 'timeout', true],
    [529, 'overloaded', true],
  ])('maps HTTP %i to %s (retryable %s)', (status, kind, retryable) => {
    const error = parseOpenAiError(status, '{"error":{"message":"m"}}');
    expect([error.kind, error.retryable, error.status]).toEqual([kind, retryable, status]);
  });

  it('reads vendor error shapes and plain text bodies', () => {
    expect(parseOpenAiError(400, '{"error":"bad thing","code":1001}')).toMatchObject({
      message: 'bad thing',
      providerCode: '1001',
    });
    expect(parseOpenAiError(400, '{"detail":"Input validation error"}').message).toBe(
      'Input validation error',
    );
    expect(parseOpenAiError(400, '{"message":"Prompt is too long for this model","code":"x"}').kind).toBe(
      'context-length',
    );
    expect(
      parseOpenAiError(
        400,
        '[{"error":{"code":400,"message":"API key not valid","status":"INVALID_ARGUMENT"}}]',
      ),
    ).toMatchObject({
      message: 'API key not valid',
      providerCode: '400',
    });
    expect(parseOpenAiError(502, '<html><body>Bad Gateway</body></html>').message).toBe(
      'upstream returned HTTP 502',
    );
    expect(parseOpenAiError(500, '').message).toBe('upstream returned HTTP 500');
    expect(parseOpenAiError(500, 'oops').message).toBe('oops');
    expect(parseOpenAiError(400, '{"error":{"message":"bad key","code":"invalid_api_key"}}').kind).toBe(
      'auth',
    );
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250' })).toBe(250);
    expect(retryAfterMs({ 'retry-after': '1.5' })).toBe(1500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }, now)).toBe(10000);
    expect(retryAfterMs({ 'retry-after': ['3'] })).toBe(3000);
    expect(retryAfterMs({})).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
