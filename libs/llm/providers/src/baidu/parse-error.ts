import {
  GatewayError,
  isRecord,
  kindForHttpStatus,
  tryParseJson,
  upstreamFallbackMessage,
  type HeaderValues,
} from '@one-api/llm-core';
import { retryAfterMs } from '../openai/parse-error';
import { ernieBodyError } from './parse-response';

/** A non-2xx ERNIE answer: its `{error_code, error_msg}` when present, else the HTTP status. */
export function parseBaiduError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  const fromBody = isRecord(body) ? ernieBodyError(body, status) : undefined;
  if (fromBody) return fromBody;
  return new GatewayError({
    kind: kindForHttpStatus(status),
    status,
    message: upstreamFallbackMessage(status, bodyText),
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
