import {
  GatewayError,
  isRecord,
  kindForHttpStatus,
  tryParseJson,
  upstreamFallbackMessage,
  type GatewayErrorKind,
  type HeaderValues,
} from '@one-api/llm-core';
import { retryAfterMs } from '../openai/parse-error';

const CONTEXT_LENGTH_TEXT =
  /too many tokens|context length|exceeds? the (?:model'?s? )?(?:maximum|max)|prompt is too long/i;

/**
 * A Cohere error (`{"id": "...", "message": "..."}`; older answers have only `message`) with its HTTP status →
 * gateway error. Cohere answers 498 for an invalid token and 499 when the request was cancelled; a prompt over the
 * context window is a 400 whose message says "too many tokens".
 */
export function parseCohereError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  const message =
    isRecord(body) && typeof body.message === 'string' && body.message !== ''
      ? body.message
      : upstreamFallbackMessage(status, bodyText);
  let kind: GatewayErrorKind =
    status === 498 ? 'auth' : status === 499 ? 'upstream' : kindForHttpStatus(status);
  if (kind === 'invalid-request' && CONTEXT_LENGTH_TEXT.test(message)) kind = 'context-length';
  const httpStatus = kind === 'auth' ? 401 : status >= 400 && status < 600 && status !== 499 ? status : 502;
  return new GatewayError({
    kind,
    status: httpStatus,
    message,
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
