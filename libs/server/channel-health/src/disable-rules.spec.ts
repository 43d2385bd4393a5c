import { GatewayError } from '@one-api/llm-core';
import { failureFacts, isHealthFailure, shouldDisableChannel } from './disable-rules';

describe("One API's auto-disable rule", () => {
  it.each([
    [{ status: 401 }, true],
    [{ status: 400, type: 'insufficient_quota' }, true],
    [{ status: 403, type: 'permission_error' }, true],
    [{ status: 400, code: 'invalid_api_key' }, true],
    [{ status: 403, code: 'account_deactivated' }, true],
    [{ status: 400, message: 'Your credit balance is too low to access the API' }, true],
    [{ status: 400, message: 'API key expired. Please renew.' }, true],
    [{ status: 402, message: 'Insufficient Balance' }, true],
    [{ status: 429, message: 'Rate limit reached' }, false],
    [{ status: 500, type: 'server_error', message: 'boom' }, false],
    [{ status: 400, type: 'invalid_request_error', message: 'bad "messages"' }, false],
  ])('%j → %s', (facts, expected) => {
    expect(shouldDisableChannel(facts)).toBe(expected);
  });

  it('reads the provider fields the gateway error kept', () => {
    const error = new GatewayError({
      kind: 'upstream',
      status: 502,
      message: 'the upstream provider rejected the channel credentials',
      providerCode: 'invalid_api_key',
      raw: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } },
    });
    expect(failureFacts(error, 401)).toEqual({
      status: 401,
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      message: 'Incorrect API key provided',
    });
  });

  it('counts server-side failures for the breaker, not client errors or rate limits', () => {
    expect(isHealthFailure(new GatewayError({ kind: 'network', message: 'x' }))).toBe(true);
    expect(isHealthFailure(new GatewayError({ kind: 'timeout', message: 'x' }))).toBe(true);
    expect(isHealthFailure(new GatewayError({ kind: 'upstream', status: 500, message: 'x' }))).toBe(true);
    expect(isHealthFailure(new GatewayError({ kind: 'rate-limit', message: 'x' }))).toBe(false);
    expect(isHealthFailure(new GatewayError({ kind: 'invalid-request', message: 'x' }))).toBe(false);
  });
});
