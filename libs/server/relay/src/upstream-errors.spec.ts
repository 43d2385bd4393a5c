import { GatewayError } from '@one-api/llm-core';
import type { Channel } from '@one-api/server-db';
import { parseOpenAiUpstreamError, shouldTryAnotherChannel, userFacingMessage } from './upstream-errors';

describe('upstream errors', () => {
  it('turns a channel credential failure into a retryable 502 without the provider text', () => {
    const error = parseOpenAiUpstreamError(
      401,
      JSON.stringify({
        error: {
          message: 'Incorrect API key provided: sk-abc***xyz',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
    );
    expect(error.status).toBe(502);
    expect(error.message).not.toContain('sk-');
    expect(shouldTryAnotherChannel(error)).toBe(true);
  });

  it('retries 429 and 5xx but not bad requests', () => {
    expect(shouldTryAnotherChannel(parseOpenAiUpstreamError(429, '{"error":{"message":"slow down"}}'))).toBe(
      true,
    );
    expect(shouldTryAnotherChannel(parseOpenAiUpstreamError(500, 'oops'))).toBe(true);
    expect(shouldTryAnotherChannel(parseOpenAiUpstreamError(400, '{"error":{"message":"bad"}}'))).toBe(false);
    expect(
      shouldTryAnotherChannel(
        parseOpenAiUpstreamError(400, '{"error":{"message":"too long","code":"context_length_exceeded"}}'),
      ),
    ).toBe(false);
  });

  it('never shows the channel key or URL', () => {
    const channel = { key: 'secret-upstream-key-123', baseUrl: 'http://10.1.2.3:8080' } as Channel;
    const error = new GatewayError({
      kind: 'upstream',
      message: 'failed at http://10.1.2.3:8080/v1/chat with key secret-upstream-key-123 and sk-proj-ABCDEFGH',
    });
    const message = userFacingMessage(error, channel);
    expect(message).not.toContain('secret-upstream-key-123');
    expect(message).not.toContain('10.1.2.3');
    expect(message).not.toContain('sk-proj-ABCDEFGH');
  });
});
