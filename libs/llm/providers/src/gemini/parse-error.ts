import {
  GatewayError,
  isRecord,
  tryParseJson,
  type GatewayErrorKind,
  type HeaderValues,
  type JsonObject,
  kindForHttpStatus,
  upstreamFallbackMessage,
} from '@one-api/llm-core';
import { retryAfterMs } from '../openai/parse-error';

/** Google RPC status → gateway error kind (the HTTP status decides when the body names none). */
const STATUS_KIND: Readonly<Record<string, GatewayErrorKind>> = {
  INVALID_ARGUMENT: 'invalid-request',
  OUT_OF_RANGE: 'invalid-request',
  FAILED_PRECONDITION: 'upstream',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'permission',
  NOT_FOUND: 'not-found',
  RESOURCE_EXHAUSTED: 'rate-limit',
  UNAVAILABLE: 'overloaded',
  INTERNAL: 'upstream',
  UNKNOWN: 'upstream',
  DEADLINE_EXCEEDED: 'timeout',
  CANCELLED: 'upstream',
  ABORTED: 'upstream',
  ALREADY_EXISTS: 'invalid-request',
  UNIMPLEMENTED: 'not-found',
  DATA_LOSS: 'upstream',
};

const CONTEXT_LENGTH_TEXT =
  /input token count .*exceeds|exceeds the maximum number of tokens|token count exceeds|context (?:window|length)|request payload size exceeds|prompt is too long/i;
const API_KEY_TEXT = /api key (?:not valid|expired|was reported as leaked|is invalid)|api_key_invalid/i;
const AUTH_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_SERVICE_BLOCKED', 'ACCESS_TOKEN_EXPIRED']);

interface GoogleError {
  message?: string;
  status?: string;
  code?: number;
  details: JsonObject[];
}

/** Reads `{error:{code,message,status,details}}`, also wrapped in an array (streamed JSON arrays). */
function googleError(body: unknown): GoogleError | undefined {
  const root = Array.isArray(body) ? body.find(isRecord) : body;
  if (!isRecord(root)) return undefined;
  const error = root.error;
  if (typeof error === 'string') return { message: error, details: [] };
  if (!isRecord(error)) return undefined;
  return {
    message: typeof error.message === 'string' && error.message !== '' ? error.message : undefined,
    status: typeof error.status === 'string' && error.status !== '' ? error.status : undefined,
    code: typeof error.code === 'number' ? error.code : undefined,
    details: Array.isArray(error.details) ? error.details.filter(isRecord) : [],
  };
}

function detailOf(details: JsonObject[], type: string): JsonObject | undefined {
  return details.find((detail) => typeof detail['@type'] === 'string' && detail['@type'].endsWith(type));
}

/** `RetryInfo.retryDelay` (`"37s"`, `"1.5s"`) in milliseconds. */
function retryDelayMs(details: JsonObject[]): number | undefined {
  const delay = detailOf(details, 'google.rpc.RetryInfo')?.retryDelay;
  if (typeof delay !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/**
 * A Google API error (`{error:{code,message,status,details}}`) with its HTTP status → gateway error.
 * RESOURCE_EXHAUSTED → rate-limit (RetryInfo or Retry-After as the wait), UNAVAILABLE → overloaded,
 * UNAUTHENTICATED or an invalid / expired / leaked API key (Google answers 400 or 403 for those) → auth,
 * PERMISSION_DENIED → permission, an oversized prompt → context-length, FAILED_PRECONDITION (region or billing
 * problems of the key) → upstream, so another channel is tried.
 */
export function parseGeminiError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  const error = googleError(body);
  const message = error?.message ?? upstreamFallbackMessage(status, bodyText);
  const reason = detailOf(error?.details ?? [], 'google.rpc.ErrorInfo')?.reason;
  const providerCode = typeof reason === 'string' && reason !== '' ? reason : error?.status;
  let kind = (error?.status && STATUS_KIND[error.status]) || kindForHttpStatus(status);
  if ((typeof reason === 'string' && AUTH_REASONS.has(reason)) || API_KEY_TEXT.test(message)) kind = 'auth';
  else if (kind === 'invalid-request' && CONTEXT_LENGTH_TEXT.test(message)) kind = 'context-length';
  const httpStatus = status >= 400 ? status : (error?.code ?? 0) >= 400 ? (error?.code as number) : 502;
  return new GatewayError({
    kind,
    status: kind === 'auth' ? 401 : kind === 'upstream' && httpStatus < 500 ? 502 : httpStatus,
    message,
    providerCode,
    providerType: error?.status,
    retryAfterMs: retryAfterMs(headers) ?? retryDelayMs(error?.details ?? []),
    raw: body ?? bodyText,
  });
}
