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

/** Coze's business error codes (answered with HTTP 200 and `{code, msg}`) → gateway error kind. */
const CODE_KIND: Readonly<Record<number, GatewayErrorKind>> = {
  4000: 'invalid-request',
  4013: 'rate-limit',
  4015: 'not-found',
  4019: 'permission',
  4020: 'permission',
  4028: 'permission',
  4100: 'auth',
  4101: 'permission',
  4200: 'not-found',
  5000: 'upstream',
};

export function cozeCodeKind(code: number): GatewayErrorKind {
  return CODE_KIND[code] ?? (code >= 5000 ? 'upstream' : 'invalid-request');
}

/** The HTTP status a Coze business error is handed to the relay with (Coze itself answers them with 200). */
export function cozeCodeStatus(code: number): number {
  const kind = cozeCodeKind(code);
  return kind === 'auth'
    ? 401
    : kind === 'permission'
      ? 403
      : kind === 'not-found'
        ? 404
        : kind === 'rate-limit'
          ? 429
          : kind === 'upstream'
            ? 502
            : 400;
}

/** Reads `{code, msg}`, a chat's `last_error: {code, msg}`, and the OAuth endpoint's `{error_code, error_message}`. */
function cozeErrorFields(body: unknown): { code?: number; message?: string; name?: string } {
  if (!isRecord(body)) return {};
  const source = isRecord(body.last_error)
    ? body.last_error
    : isRecord(body.data) && isRecord(body.data.last_error)
      ? body.data.last_error
      : body;
  const code = typeof source.code === 'number' && source.code !== 0 ? source.code : undefined;
  const message =
    typeof source.msg === 'string' && source.msg !== ''
      ? source.msg
      : typeof body.error_message === 'string' && body.error_message !== ''
        ? body.error_message
        : undefined;
  return { code, message, name: typeof body.error_code === 'string' ? body.error_code : undefined };
}

/** A Coze error → gateway error: the business code decides when there is one, else the HTTP status. */
export function parseCozeError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  const fields = cozeErrorFields(body);
  const kind = fields.code !== undefined ? cozeCodeKind(fields.code) : kindForHttpStatus(status);
  const httpStatus = fields.code !== undefined ? cozeCodeStatus(fields.code) : status;
  return new GatewayError({
    kind,
    status: kind === 'upstream' && httpStatus < 500 ? 502 : httpStatus,
    message: fields.message ?? upstreamFallbackMessage(status, bodyText),
    providerCode: fields.code !== undefined ? String(fields.code) : fields.name,
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
