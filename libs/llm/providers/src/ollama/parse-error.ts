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

const CONTEXT_LENGTH_TEXT = /context length|exceeds? (?:the )?(?:maximum )?context|too many tokens/i;

/**
 * An Ollama error (`{"error": "..."}`) → gateway error. A model that is not pulled is a 404 ("model … not found, try
 * pulling it first"): another channel may have it. Ollama behind a proxy may answer 401 / 403 with an empty body.
 */
export function parseOllamaError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  const message =
    isRecord(body) && typeof body.error === 'string' && body.error !== ''
      ? body.error
      : upstreamFallbackMessage(status, bodyText);
  let kind: GatewayErrorKind = kindForHttpStatus(status);
  if (kind === 'invalid-request' && CONTEXT_LENGTH_TEXT.test(message)) kind = 'context-length';
  return new GatewayError({
    kind,
    status: kind === 'upstream' && status < 500 ? 502 : status,
    message,
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
