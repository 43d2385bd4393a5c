import type { OutgoingHttpHeaders } from 'node:http';

/** Google's error envelope: `{"error": {"code", "message", "status", "details"?}}`. */
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: Array<Record<string, unknown>> };
}

export interface GoogleErrorResponse {
  status: number;
  body: GoogleErrorBody;
  headers?: OutgoingHttpHeaders;
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The google.rpc status name Google pairs with an HTTP status. */
export function googleStatusName(status: number): string {
  return STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
}

export function googleError(
  status: number,
  message: string,
  details?: Array<Record<string, unknown>>,
  statusName = googleStatusName(status),
): GoogleErrorResponse {
  const error: GoogleErrorBody['error'] = { code: status, message, status: statusName };
  if (details) error.details = details;
  return { status, body: { error } };
}

const SERVICE = 'generativelanguage.googleapis.com';

export const missingApiKey = (): GoogleErrorResponse =>
  googleError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or " +
      'other form of API consumer identity to call this API.',
  );

export const invalidApiKey = (): GoogleErrorResponse =>
  googleError(400, 'API key not valid. Please pass a valid API key.', [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: SERVICE },
    },
    {
      '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
      locale: 'en-US',
      message: 'API key not valid. Please pass a valid API key.',
    },
  ]);

export const invalidJson = (): GoogleErrorResponse =>
  googleError(400, 'Invalid JSON payload received. Unexpected token.');

/** Google's parser error for a field its message has no field for (the whole request fails). */
export function unknownField(name: string, at: string): GoogleErrorResponse {
  const message = `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: Cannot find field.`;
  return googleError(400, message, [
    {
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: [{ field: at, description: message }],
    },
  ]);
}

/** Semantic validation failures, `* GenerateContentRequest.<path>: <problem>` one per line. */
export function requestViolations(lines: readonly string[]): GoogleErrorResponse {
  return googleError(400, lines.map((line) => `* GenerateContentRequest.${line}\n`).join(''));
}

export const notFoundRoute = (method: string, path: string): GoogleErrorResponse =>
  googleError(404, `Method not found: ${method} ${path}`);

export const modelNotFound = (
  model: string,
  version: string,
  method = 'generateContent',
): GoogleErrorResponse =>
  googleError(
    404,
    `models/${model} is not found for API version ${version}, or is not supported for ${method}. Call ListModels to ` +
      'see the list of available models and their supported methods.',
  );

/** Largest prompt the fake's models accept (Gemini's 1M context). */
export const GEMINI_CONTEXT_WINDOW = 1_048_576;

/** The error of a `<status>` fault, in the shape Gemini uses for that status. */
export function geminiStatusFaultError(
  status: number,
  opts: { model: string; promptTokens: number; retryAfterSeconds?: number },
): GoogleErrorResponse {
  switch (status) {
    case 429: {
      const wait = opts.retryAfterSeconds ?? 1;
      return googleError(
        429,
        'You exceeded your current quota, please check your plan and billing details. For more information on this ' +
          'error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: ' +
          `generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: ${opts.model}\n` +
          `Please retry in ${wait}s.`,
        [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              {
                quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                quotaDimensions: { location: 'global', model: opts.model },
                quotaValue: '10',
              },
            ],
          },
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [
              {
                description: 'Learn more about Gemini API quotas',
                url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
              },
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${wait}s` },
        ],
      );
    }
    case 400:
      return googleError(
        400,
        `The input token count (${GEMINI_CONTEXT_WINDOW + opts.promptTokens}) exceeds the maximum number of tokens ` +
          `allowed (${GEMINI_CONTEXT_WINDOW}).`,
      );
    case 401:
      return googleError(
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid ' +
          'authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      );
    case 403:
      return googleError(403, 'Your API key was reported as leaked. Please use another API key.');
    case 500:
      return googleError(
        500,
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      );
    case 503:
      return googleError(503, 'The model is overloaded. Please try again later.');
    case 504:
      return googleError(504, 'The request timed out. Please try again.');
    default:
      return googleError(status, `Fake upstream failure (HTTP ${status}).`);
  }
}
