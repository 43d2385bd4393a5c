import type { OutgoingHttpHeaders } from 'node:http';

/** OpenAI's error envelope: `{"error": {"message", "type", "param", "code"}}`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface OpenAIErrorResponse {
  status: number;
  body: OpenAIErrorBody;
  headers?: OutgoingHttpHeaders;
}

export function openAIError(
  status: number,
  message: string,
  type: string,
  param: string | null = null,
  code: string | null = null,
  headers?: OutgoingHttpHeaders,
): OpenAIErrorResponse {
  return { status, body: { error: { message, type, param, code } }, headers };
}

const KEYS_URL = 'https://platform.openai.com/account/api-keys';

export const invalidJson = (): OpenAIErrorResponse =>
  openAIError(
    400,
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
      'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)',
    'invalid_request_error',
  );

export const invalidUrl = (method: string, path: string): OpenAIErrorResponse =>
  openAIError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error');

export const missingApiKey = (): OpenAIErrorResponse =>
  openAIError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
      `(i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from ${KEYS_URL}.`,
    'invalid_request_error',
  );

/** Masks a key the way OpenAI quotes it back: first 3 and last 4 characters. */
export function maskKey(key: string): string {
  return key.length <= 8
    ? '*'.repeat(key.length)
    : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

export const invalidApiKey = (key: string): OpenAIErrorResponse =>
  openAIError(
    401,
    `Incorrect API key provided: ${maskKey(key)}. You can find your API key at ${KEYS_URL}.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );

export const missingParameter = (param: string): OpenAIErrorResponse =>
  openAIError(
    400,
    `Missing required parameter: '${param}'.`,
    'invalid_request_error',
    param,
    'missing_required_parameter',
  );

export const invalidParameter = (param: string, message: string): OpenAIErrorResponse =>
  openAIError(400, message, 'invalid_request_error', param, 'invalid_value');

export const modelNotFound = (model: string): OpenAIErrorResponse =>
  openAIError(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    null,
    'model_not_found',
  );

export const CONTEXT_WINDOW = 128_000;

/** The error of a `<status>` fault, in the shape OpenAI uses for that status. */
export function statusFaultError(
  status: number,
  opts: { model: string; promptTokens: number; retryAfterSeconds?: number },
): OpenAIErrorResponse {
  switch (status) {
    case 429: {
      const wait = opts.retryAfterSeconds ?? 1;
      return openAIError(
        429,
        `Rate limit reached for ${opts.model} in organization org-fake on requests per min (RPM): Limit 60, Used 60, ` +
          `Requested 1. Please try again in ${wait}s.`,
        'requests',
        null,
        'rate_limit_exceeded',
        {
          'retry-after': String(wait),
          'x-ratelimit-limit-requests': '60',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': `${wait}s`,
        },
      );
    }
    case 401:
      return invalidApiKey('sk-fake-revoked-key');
    case 400:
      return openAIError(
        400,
        `This model's maximum context length is ${CONTEXT_WINDOW} tokens. However, your messages resulted in ` +
          `${CONTEXT_WINDOW + opts.promptTokens} tokens. Please reduce the length of the messages.`,
        'invalid_request_error',
        'messages',
        'context_length_exceeded',
      );
    case 500:
      return openAIError(
        500,
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
      );
    case 503:
      return openAIError(503, 'The engine is currently overloaded, please try again later.', 'server_error');
    default:
      return openAIError(
        status,
        `Fake upstream failure (HTTP ${status}).`,
        status >= 500 ? 'server_error' : 'invalid_request_error',
      );
  }
}
