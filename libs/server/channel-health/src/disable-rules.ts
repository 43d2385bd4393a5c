import type { GatewayError } from '@one-api/llm-core';

/** What is known about one upstream failure, as One API's monitor looks at it. */
export interface FailureFacts {
  /** the upstream's HTTP status (not the one the client got) */
  status?: number;
  type?: string;
  code?: string;
  message?: string;
}

const FATAL_TYPES = new Set(['insufficient_quota', 'authentication_error', 'permission_error', 'forbidden']);
const FATAL_CODES = new Set(['invalid_api_key', 'account_deactivated']);
const FATAL_TEXT = [
  'your access was terminated',
  'violation of our policies',
  'your credit balance is too low',
  'organization has been disabled',
  'credit',
  'balance',
  'permission denied',
  'organization has been restricted',
  'api key not valid',
  'api key expired',
  '已欠费',
  'insufficient balance',
];

/**
 * One API's auto-disable rule (monitor.ShouldDisableChannel): the channel itself is broken — its key is invalid,
 * its account deactivated or out of credit — so no retry will help until an admin acts or a test passes again.
 */
export function shouldDisableChannel(facts: FailureFacts): boolean {
  if (facts.status === 401) return true;
  if (facts.type && FATAL_TYPES.has(facts.type)) return true;
  if (facts.code && FATAL_CODES.has(facts.code)) return true;
  const text = (facts.message ?? '').toLowerCase();
  return text !== '' && FATAL_TEXT.some((needle) => text.includes(needle));
}

/** The provider's own error fields, from the parsed body the gateway error kept (not the client-facing text). */
export function failureFacts(error: GatewayError, upstreamStatus?: number): FailureFacts {
  const raw = error.raw as
    | { error?: { message?: unknown; type?: unknown; code?: unknown } }
    | string
    | undefined;
  const inner =
    raw && typeof raw === 'object' && raw.error && typeof raw.error === 'object' ? raw.error : undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    status: upstreamStatus ?? (error.kind === 'auth' ? 401 : undefined),
    type: error.providerType ?? str(inner?.type),
    code: error.providerCode ?? str(inner?.code),
    message: str(inner?.message) ?? (typeof raw === 'string' ? raw : error.message),
  };
}

/** Failures that say the channel is unhealthy right now (not the request's fault): they feed the breaker. */
export function isHealthFailure(error: GatewayError): boolean {
  return (
    error.kind === 'network' ||
    error.kind === 'timeout' ||
    error.kind === 'overloaded' ||
    (error.kind === 'upstream' && error.status >= 500)
  );
}
