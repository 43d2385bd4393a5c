/** The one error type of the relay: every upstream failure and every bad inbound request becomes one. */
export type GatewayErrorKind =
  | 'auth'
  | 'permission'
  | 'not-found'
  | 'rate-limit'
  | 'context-length'
  | 'overloaded'
  | 'invalid-request'
  | 'upstream'
  | 'timeout'
  | 'network';

export const DEFAULT_ERROR_STATUS: Readonly<Record<GatewayErrorKind, number>> = {
  auth: 401,
  permission: 403,
  'not-found': 404,
  'rate-limit': 429,
  'context-length': 400,
  overloaded: 503,
  'invalid-request': 400,
  upstream: 502,
  timeout: 504,
  network: 502,
};

const RETRYABLE_KINDS: ReadonlySet<GatewayErrorKind> = new Set([
  'rate-limit',
  'overloaded',
  'upstream',
  'timeout',
  'network',
]);

/** Whether a failure of this kind is worth retrying on another channel (before any byte reached the client). */
export function isRetryableKind(kind: GatewayErrorKind): boolean {
  return RETRYABLE_KINDS.has(kind);
}

export interface GatewayErrorInit {
  kind: GatewayErrorKind;
  message: string;
  /** HTTP status to answer with; defaults by kind. */
  status?: number;
  /** Defaults by kind. */
  retryable?: boolean;
  /** The provider's machine-readable code (`context_length_exceeded`, `invalid_api_key`, ...). */
  providerCode?: string;
  /** The provider's error type (`invalid_request_error`, `server_error`, ...). */
  providerType?: string;
  /** The request field the error is about, when known. */
  param?: string;
  /** How long the provider asked us to wait (Retry-After). */
  retryAfterMs?: number;
  /** The provider's parsed error body, for logs only: it may contain upstream details never shown to users. */
  raw?: unknown;
}

export class GatewayError extends Error {
  readonly kind: GatewayErrorKind;
  readonly status: number;
  readonly retryable: boolean;
  readonly providerCode?: string;
  readonly providerType?: string;
  readonly param?: string;
  readonly retryAfterMs?: number;
  readonly raw?: unknown;

  constructor(init: GatewayErrorInit) {
    super(init.message);
    this.name = 'GatewayError';
    this.kind = init.kind;
    this.status = init.status ?? DEFAULT_ERROR_STATUS[init.kind];
    this.retryable = init.retryable ?? isRetryableKind(init.kind);
    if (init.providerCode !== undefined) this.providerCode = init.providerCode;
    if (init.providerType !== undefined) this.providerType = init.providerType;
    if (init.param !== undefined) this.param = init.param;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.raw !== undefined) this.raw = init.raw;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/** A 400 for a request the gateway cannot accept; `param` names the offending field. */
export function invalidRequest(message: string, param?: string): GatewayError {
  return new GatewayError({ kind: 'invalid-request', message, param });
}

const NETWORK_CODES: Readonly<Record<string, { kind: GatewayErrorKind; message: string }>> = {
  ECONNREFUSED: { kind: 'network', message: 'upstream refused the connection' },
  ECONNRESET: { kind: 'network', message: 'upstream connection was reset' },
  EPIPE: { kind: 'network', message: 'upstream connection was closed' },
  ENOTFOUND: { kind: 'network', message: 'upstream host could not be resolved' },
  EAI_AGAIN: { kind: 'network', message: 'upstream host could not be resolved' },
  EHOSTUNREACH: { kind: 'network', message: 'upstream host is unreachable' },
  ENETUNREACH: { kind: 'network', message: 'upstream network is unreachable' },
  ETIMEDOUT: { kind: 'timeout', message: 'upstream connection timed out' },
  UND_ERR_SOCKET: { kind: 'network', message: 'upstream connection was closed' },
  UND_ERR_CLOSED: { kind: 'network', message: 'upstream connection was closed' },
  UND_ERR_CONNECT_TIMEOUT: { kind: 'timeout', message: 'upstream connection timed out' },
  UND_ERR_HEADERS_TIMEOUT: { kind: 'timeout', message: 'upstream did not answer in time' },
  UND_ERR_BODY_TIMEOUT: { kind: 'timeout', message: 'upstream stopped sending data' },
  UND_ERR_ABORTED: { kind: 'network', message: 'upstream request was aborted' },
};

function errorCodeOf(value: unknown): string | undefined {
  let current: unknown = value;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns a transport failure (undici / fetch / socket error, abort, timeout) into a gateway error.
 * The message is generic on purpose: upstream hosts and keys never reach users through it.
 */
export function fromTransportError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError') {
    return new GatewayError({
      kind: 'timeout',
      message: 'upstream did not answer in time',
      raw: describe(error),
    });
  }
  const code = errorCodeOf(error);
  const known = code ? NETWORK_CODES[code] : undefined;
  if (known) return new GatewayError({ ...known, providerCode: code, raw: describe(error) });
  if (name === 'AbortError') {
    return new GatewayError({
      kind: 'network',
      message: 'upstream request was aborted',
      raw: describe(error),
    });
  }
  return new GatewayError({
    kind: 'network',
    message: 'upstream request failed',
    providerCode: code,
    raw: describe(error),
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The error kind an upstream HTTP status means when the body says nothing more specific. */
export function kindForHttpStatus(status: number): GatewayErrorKind {
  switch (status) {
    case 401:
      return 'auth';
    case 402:
    case 403:
      return 'permission';
    case 404:
      return 'not-found';
    case 408:
    case 504:
      return 'timeout';
    case 429:
      return 'rate-limit';
    case 503:
    case 529:
      return 'overloaded';
    default:
      return status >= 500 || status < 400 ? 'upstream' : 'invalid-request';
  }
}

/** The message of an upstream error whose body carries none: its text, shortened, or just the status. */
export function upstreamFallbackMessage(status: number, bodyText: string): string {
  const text = bodyText.trim();
  if (text === '' || text.startsWith('<')) return `upstream returned HTTP ${status}`;
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
