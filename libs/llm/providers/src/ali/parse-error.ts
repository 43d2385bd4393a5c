import {
  GatewayError,
  isRecord,
  kindForHttpStatus,
  tryParseJson,
  upstreamFallbackMessage,
  type HeaderValues,
} from '@one-api/llm-core';
import { retryAfterMs } from '../openai/parse-error';

/** DashScope codes that say more than the HTTP status. */
function kindOfCode(code: string | undefined, status: number): GatewayError['kind'] {
  if (code === 'InvalidApiKey') return 'auth';
  if (code === 'Throttling' || code?.startsWith('Throttling.')) return 'rate-limit';
  if (code === 'DataInspectionFailed' || code === 'data_inspection_failed') return 'invalid-request';
  return kindForHttpStatus(status);
}

/** DashScope's error body `{code, message, request_id}` → a gateway error. */
export function parseAliError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  const code = isRecord(body) && typeof body.code === 'string' ? body.code : undefined;
  const message =
    isRecord(body) && typeof body.message === 'string' && body.message !== ''
      ? body.message
      : upstreamFallbackMessage(status, bodyText);
  const kind = kindOfCode(code, status);
  const contextLength = /range of input length|input length should be|too long/i.test(message);
  return new GatewayError({
    kind: contextLength ? 'context-length' : kind,
    status,
    message,
    providerCode: code,
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
