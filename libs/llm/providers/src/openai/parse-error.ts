import {
  GatewayError,
  isRecord,
  tryParseJson,
  type HeaderValues,
  kindForHttpStatus,
  upstreamFallbackMessage,
} from '@one-api/llm-core';

const CONTEXT_LENGTH_CODES = new Set(['context_length_exceeded', 'string_above_max_length']);
const CONTEXT_LENGTH_TEXT =
  /maximum context length|context[ _]length|context window|too many tokens|prompt is too long|reduce the length of the messages/i;
const AUTH_CODES = new Set(['invalid_api_key', 'invalid_authentication', 'unauthorized']);

function header(headers: HeaderValues | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: HeaderValues | undefined, now = Date.now()): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (header(headers, 'retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const value = header(headers, 'retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

interface ErrorFields {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

/** Reads `{error:{message,type,code,param}}`, `{error:"..."}`, `{message,code}`, `{detail}` and `[{error:{...}}]`. */
function errorFields(body: unknown): ErrorFields {
  const root = Array.isArray(body) ? body[0] : body;
  if (!isRecord(root)) return {};
  const error = root.error;
  if (typeof error === 'string')
    return { message: error, code: stringOf(root.code), type: stringOf(root.type) };
  const source = isRecord(error) ? error : root;
  const detail = source.detail;
  return {
    message:
      stringOf(source.message) ??
      stringOf(source.msg) ??
      stringOf(detail) ??
      (isRecord(detail) ? stringOf(detail.message) : undefined),
    type: stringOf(source.type),
    code: stringOf(source.code) ?? stringOf(source.status),
    param: stringOf(source.param),
  };
}

/** An OpenAI-style error body (or any vendor variant) with its HTTP status → gateway error. */
export function parseOpenAiError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  const fields = errorFields(body);
  const message = fields.message ?? upstreamFallbackMessage(status, bodyText);
  let kind = kindForHttpStatus(status);
  if (fields.code && CONTEXT_LENGTH_CODES.has(fields.code)) kind = 'context-length';
  else if ((kind === 'invalid-request' || status === 413) && CONTEXT_LENGTH_TEXT.test(message))
    kind = 'context-length';
  else if (kind === 'invalid-request' && fields.code && AUTH_CODES.has(fields.code)) kind = 'auth';
  return new GatewayError({
    kind,
    status: status >= 400 ? status : 502,
    message,
    providerCode: fields.code,
    providerType: fields.type,
    param: fields.param,
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
