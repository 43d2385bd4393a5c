import { GatewayError, type GatewayErrorKind, type HeaderValues } from '@one-api/llm-core';
import { parseOpenAiError } from '../openai/parse-error';

/** HTTP errors of the Responses API use OpenAI's `{error:{message,type,param,code}}` envelope. */
export function parseOpenAiResponsesError(
  status: number,
  bodyText: string,
  headers?: HeaderValues,
): GatewayError {
  return parseOpenAiError(status, bodyText, headers);
}

const KIND_BY_CODE: Readonly<Record<string, GatewayErrorKind>> = {
  rate_limit_exceeded: 'rate-limit',
  context_length_exceeded: 'context-length',
  insufficient_quota: 'rate-limit',
  invalid_prompt: 'invalid-request',
  server_error: 'upstream',
  vector_store_timeout: 'timeout',
};

/**
 * `response.error` of a failed response (`{code, message}`, in a 200 body or a `response.failed` event) or an
 * `error` stream event (`{code, message, param}`) → gateway error. Image problems (`invalid_image`, …) are the
 * caller's; unknown codes are upstream failures.
 */
export function responsesFailureError(error: unknown, fallback = 'upstream response failed'): GatewayError {
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const code = typeof record.code === 'string' ? record.code : undefined;
  const message = typeof record.message === 'string' && record.message !== '' ? record.message : fallback;
  const kind: GatewayErrorKind =
    (code && KIND_BY_CODE[code]) || (code && /image|invalid/.test(code) ? 'invalid-request' : 'upstream');
  return new GatewayError({
    kind,
    message,
    providerCode: code,
    param: typeof record.param === 'string' ? record.param : undefined,
    raw: error,
  });
}
