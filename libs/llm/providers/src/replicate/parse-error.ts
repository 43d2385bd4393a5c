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
  /context (?:length|window)|too many tokens|prompt is too long|exceeds? the maximum/i;

/**
 * A Replicate error → gateway error. API errors are problem details (`{title, detail, status}`; 422 adds
 * `invalid_fields`); a prediction that ended `failed` / `canceled` (handed over by the exchange hook with status
 * 502 / 499) carries its `error`. A failed prediction is an upstream fault: another channel may succeed.
 */
export function parseReplicateError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  let message: string | undefined;
  let kind: GatewayErrorKind = kindForHttpStatus(status);
  let providerCode: string | undefined;
  if (isRecord(body)) {
    if (typeof body.detail === 'string' && body.detail !== '') message = body.detail;
    else if (typeof body.title === 'string' && body.title !== '') message = body.title;
    if (typeof body.status === 'string' && ['failed', 'canceled', 'aborted'].includes(body.status)) {
      providerCode = body.status;
      message =
        typeof body.error === 'string' && body.error !== ''
          ? body.error
          : `the prediction ended with status ${body.status}`;
      kind = CONTEXT_LENGTH_TEXT.test(message) ? 'context-length' : 'upstream';
    }
  }
  message ??= upstreamFallbackMessage(status, bodyText);
  if (kind === 'invalid-request' && CONTEXT_LENGTH_TEXT.test(message)) kind = 'context-length';
  return new GatewayError({
    kind,
    status: kind === 'upstream' && status < 500 ? 502 : status,
    message,
    providerCode,
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
