import {
  GatewayError,
  isRecord,
  tryParseJson,
  type GatewayErrorKind,
  type HeaderValues,
  kindForHttpStatus,
  upstreamFallbackMessage,
} from '@one-api/llm-core';
import { retryAfterMs } from '../openai/parse-error';

/** Bedrock runtime exceptions → error kind and the HTTP status Bedrock answers them with. */
const EXCEPTIONS: Readonly<Record<string, { kind: GatewayErrorKind; status: number }>> = {
  ThrottlingException: { kind: 'rate-limit', status: 429 },
  ServiceQuotaExceededException: { kind: 'rate-limit', status: 429 },
  ModelNotReadyException: { kind: 'rate-limit', status: 429 },
  ValidationException: { kind: 'invalid-request', status: 400 },
  AccessDeniedException: { kind: 'permission', status: 403 },
  UnrecognizedClientException: { kind: 'auth', status: 403 },
  InvalidSignatureException: { kind: 'auth', status: 403 },
  IncompleteSignatureException: { kind: 'auth', status: 403 },
  MissingAuthenticationTokenException: { kind: 'auth', status: 403 },
  ExpiredTokenException: { kind: 'auth', status: 403 },
  ResourceNotFoundException: { kind: 'not-found', status: 404 },
  ModelTimeoutException: { kind: 'timeout', status: 408 },
  ModelErrorException: { kind: 'upstream', status: 424 },
  ModelStreamErrorException: { kind: 'upstream', status: 424 },
  ServiceUnavailableException: { kind: 'overloaded', status: 503 },
  InternalServerException: { kind: 'upstream', status: 500 },
};

const CONTEXT_LENGTH_TEXT =
  /too long|too many (?:input )?tokens|context (?:window|length)|exceeds? the maximum (?:number of )?tokens|max(?:imum)? context/i;

function header(headers: HeaderValues | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first.trim() !== '') return first.trim();
  }
  return undefined;
}

/**
 * An exception name in any of the spellings AWS uses: `ThrottlingException:http://internal.amazon.com/coral/...`
 * (the `x-amzn-ErrorType` header), `com.amazon.coral.service#ThrottlingException` (`__type`), or the stream's
 * lower-camel `throttlingException` (`:exception-type`).
 */
export function bedrockExceptionName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let name = raw.split(':')[0];
  name = name.slice(name.lastIndexOf('#') + 1).trim();
  if (name === '') return undefined;
  return name[0].toUpperCase() + name.slice(1);
}

/** The HTTP status Bedrock uses for an exception (for exceptions that arrive inside a stream, with none). */
export function bedrockExceptionStatus(name: string | undefined): number {
  return (name && EXCEPTIONS[name]?.status) || 500;
}

/**
 * A Bedrock runtime error → gateway error. The exception comes from the `x-amzn-ErrorType` header (or the body's
 * `__type`), the text from `message` (`Message` on some services); ValidationException about an over-long input
 * means context-length. Unknown exceptions are classified by status.
 */
export function parseBedrockError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  const fields = isRecord(body) ? body : {};
  const exception =
    bedrockExceptionName(header(headers, 'x-amzn-errortype')) ??
    bedrockExceptionName(typeof fields.__type === 'string' ? fields.__type : undefined) ??
    bedrockExceptionName(typeof fields.code === 'string' ? fields.code : undefined);
  const text = fields.message ?? fields.Message;
  const message = typeof text === 'string' && text !== '' ? text : upstreamFallbackMessage(status, bodyText);
  let kind = (exception && EXCEPTIONS[exception]?.kind) || kindForHttpStatus(status);
  if (kind === 'invalid-request' && CONTEXT_LENGTH_TEXT.test(message)) kind = 'context-length';
  return new GatewayError({
    kind,
    status: status >= 400 ? status : bedrockExceptionStatus(exception),
    message,
    providerType: exception,
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
