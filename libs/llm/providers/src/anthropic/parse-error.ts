import {
  GatewayError,
  isRecord,
  tryParseJson,
  type GatewayErrorKind,
  type HeaderValues,
  kindForHttpStatus,
  upstreamFallbackMessage,
} from '@one-api/llm-core';
import { retryAfterMs } from '../openai/parse-error';

const KIND_BY_TYPE: Readonly<Record<string, GatewayErrorKind>> = {
  invalid_request_error: 'invalid-request',
  authentication_error: 'auth',
  permission_error: 'permission',
  billing_error: 'permission',
  not_found_error: 'not-found',
  request_too_large: 'invalid-request',
  rate_limit_error: 'rate-limit',
  api_error: 'upstream',
  timeout_error: 'timeout',
  overloaded_error: 'overloaded',
};

const CONTEXT_LENGTH_TEXT =
  /prompt is too long|input is too long|context window|context length|too many tokens|exceeds? the maximum (?:number of )?tokens/i;

/** `{"type":"error","error":{"type","message"}}` (or the error object itself) → its type and message. */
export function anthropicErrorFields(body: unknown): { type?: string; message?: string } {
  if (!isRecord(body)) return {};
  const error = isRecord(body.error) ? body.error : body;
  return {
    type: typeof error.type === 'string' && error.type !== 'error' ? error.type : undefined,
    message: typeof error.message === 'string' && error.message !== '' ? error.message : undefined,
  };
}

/**
 * An Anthropic error body with its HTTP status → gateway error: `overloaded_error` (529) → overloaded, retryable;
 * `rate_limit_error` (429) → rate-limit with Retry-After; `authentication_error` → auth; `permission_error` /
 * `billing_error` → permission; `not_found_error` → not-found; `invalid_request_error` whose message says the prompt
 * is too long → context-length; `api_error` / `timeout_error` → upstream / timeout. The status is kept.
 */
export function parseAnthropicError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  const fields = anthropicErrorFields(body);
  const message = fields.message ?? upstreamFallbackMessage(status, bodyText);
  let kind = (fields.type && KIND_BY_TYPE[fields.type]) || kindForHttpStatus(status);
  if ((kind === 'invalid-request' || status === 413) && CONTEXT_LENGTH_TEXT.test(message))
    kind = 'context-length';
  return new GatewayError({
    kind,
    status: status >= 400 ? status : 502,
    message,
    providerType: fields.type,
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
