import type { OutgoingHttpHeaders } from 'node:http';

/** Anthropic's error envelope: `{"type":"error","error":{"type","message"},"request_id"}`. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string | null;
}

export interface AnthropicErrorResponse {
  status: number;
  body: AnthropicErrorBody;
  headers?: OutgoingHttpHeaders;
}

export function anthropicError(
  status: number,
  type: string,
  message: string,
  headers?: OutgoingHttpHeaders,
): AnthropicErrorResponse {
  return { status, body: { type: 'error', error: { type, message }, request_id: null }, headers };
}

export const invalidRequest = (message: string): AnthropicErrorResponse =>
  anthropicError(400, 'invalid_request_error', message);

export const missingApiKey = (): AnthropicErrorResponse =>
  anthropicError(401, 'authentication_error', 'x-api-key header is required');

export const invalidApiKey = (): AnthropicErrorResponse =>
  anthropicError(401, 'authentication_error', 'invalid x-api-key');

export const missingVersion = (): AnthropicErrorResponse =>
  invalidRequest('anthropic-version: header is required');

export const invalidJson = (): AnthropicErrorResponse =>
  invalidRequest('There was an issue with the format of your request: the body is not valid JSON');

export const notFound = (): AnthropicErrorResponse => anthropicError(404, 'not_found_error', 'Not Found');

export const modelNotFound = (model: string): AnthropicErrorResponse =>
  anthropicError(404, 'not_found_error', `model: ${model}`);

/** The context window the `400` fault's message quotes. */
export const ANTHROPIC_CONTEXT_WINDOW = 200_000;

/** The error of a `<status>` fault, in the shape Anthropic uses for that status. */
export function anthropicStatusFaultError(
  status: number,
  opts: { inputTokens: number; retryAfterSeconds?: number },
): AnthropicErrorResponse {
  switch (status) {
    case 400:
      return invalidRequest(
        `prompt is too long: ${ANTHROPIC_CONTEXT_WINDOW + opts.inputTokens} tokens > ${ANTHROPIC_CONTEXT_WINDOW} maximum`,
      );
    case 401:
      return invalidApiKey();
    case 403:
      return anthropicError(
        403,
        'permission_error',
        'Your API key does not have permission to use the specified resource.',
      );
    case 404:
      return notFound();
    case 413:
      return anthropicError(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.');
    case 429: {
      const wait = opts.retryAfterSeconds ?? 1;
      return anthropicError(
        429,
        'rate_limit_error',
        'This request would exceed the rate limit for your organization of 50 requests per minute. ' +
          'For details, refer to: https://docs.claude.com/en/api/rate-limits.',
        {
          'retry-after': String(wait),
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '0',
          'anthropic-ratelimit-requests-reset': new Date(Date.now() + wait * 1000).toISOString(),
        },
      );
    }
    case 500:
      return anthropicError(500, 'api_error', 'Internal server error');
    case 504:
      return anthropicError(504, 'timeout_error', 'Request timed out');
    case 529:
      return anthropicError(529, 'overloaded_error', 'Overloaded');
    default:
      return anthropicError(
        status,
        status >= 500 ? 'api_error' : 'invalid_request_error',
        `Fake upstream failure (HTTP ${status}).`,
      );
  }
}
