import {
  GatewayError,
  isRecord,
  kindForHttpStatus,
  tryParseJson,
  upstreamFallbackMessage,
  type HeaderValues,
} from '@one-api/llm-core';
import { retryAfterMs } from '../openai/parse-error';
import { tencentError } from './parse-response';

/** A non-2xx answer: its `Response.Error` when present, else the HTTP status. */
export function parseTencentError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  if (isRecord(body) && isRecord(body.Response) && isRecord(body.Response.Error))
    return tencentError(body.Response.Error, body, status);
  return new GatewayError({
    kind: kindForHttpStatus(status),
    status,
    message: upstreamFallbackMessage(status, bodyText),
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
