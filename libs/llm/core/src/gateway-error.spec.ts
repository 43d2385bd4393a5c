import {
  fromTransportError,
  GatewayError,
  invalidRequest,
  isGatewayError,
  isRetryableKind,
} from './gateway-error';

describe('GatewayError', () => {
  it('defaults status and retryable from the kind', () => {
    const rate = new GatewayError({ kind: 'rate-limit', message: 'slow down' });
    expect(rate).toBeInstanceOf(Error);
    expect(isGatewayError(rate)).toBe(true);
    expect([rate.status, rate.retryable, rate.message]).toEqual([429, true, 'slow down']);
    const ctx = new GatewayError({ kind: 'context-length', message: 'too long' });
    expect([ctx.status, ctx.retryable]).toEqual([400, false]);
    expect(new GatewayError({ kind: 'overloaded', message: 'x', status: 529 }).status).toBe(529);
    expect(new GatewayError({ kind: 'upstream', message: 'x', retryable: false }).retryable).toBe(false);
  });

  it('marks rate limits, overload, upstream, timeout and network failures retryable', () => {
    expect(
      ['rate-limit', 'overloaded', 'upstream', 'timeout', 'network'].every((k) =>
        isRetryableKind(k as never),
      ),
    ).toBe(true);
    expect(
      ['auth', 'permission', 'not-found', 'invalid-request', 'context-length'].some((k) =>
        isRetryableKind(k as never),
      ),
    ).toBe(false);
  });

  it('builds invalid-request errors naming the field', () => {
    const error = invalidRequest('model must be a string', 'model');
    expect([error.kind, error.status, error.param]).toEqual(['invalid-request', 400, 'model']);
  });
});

describe('fromTransportError', () => {
  it('classifies socket errors by code, also when wrapped in a cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    const wrapped = new TypeError('fetch failed', { cause: refused });
    const error = fromTransportError(wrapped);
    expect([error.kind, error.retryable, error.status, error.providerCode]).toEqual([
      'network',
      true,
      502,
      'ECONNREFUSED',
    ]);
    expect(error.message).not.toContain('10.0.0.1');
  });

  it('maps undici timeouts and AbortSignal.timeout to timeout errors', () => {
    const headers = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(fromTransportError(headers).kind).toBe('timeout');
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect([fromTransportError(timeout).kind, fromTransportError(timeout).status]).toEqual(['timeout', 504]);
  });

  it('passes gateway errors through and falls back to a generic network error', () => {
    const original = new GatewayError({ kind: 'auth', message: 'no' });
    expect(fromTransportError(original)).toBe(original);
    const unknown = fromTransportError(new Error('boom at https://secret.example/v1?key=sk-1'));
    expect(unknown.kind).toBe('network');
    expect(unknown.message).toBe('upstream request failed');
  });
});
