import type { EncodedError, GatewayError, GatewayErrorKind } from '@one-api/llm-core';
import type { AnthropicErrorType, AnthropicErrorWire } from './wire-types';

const TYPE_BY_KIND: Readonly<Record<GatewayErrorKind, AnthropicErrorType>> = {
  auth: 'authentication_error',
  permission: 'permission_error',
  'not-found': 'not_found_error',
  'rate-limit': 'rate_limit_error',
  'context-length': 'invalid_request_error',
  overloaded: 'overloaded_error',
  'invalid-request': 'invalid_request_error',
  upstream: 'api_error',
  timeout: 'timeout_error',
  network: 'api_error',
};

const KNOWN_TYPES: ReadonlySet<string> = new Set<AnthropicErrorType>([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
]);

/** The HTTP status Anthropic uses for an error of this kind (overloaded is 529; others keep the error's status). */
export function anthropicErrorStatus(error: GatewayError): number {
  if (error.kind === 'overloaded') return 529;
  return error.status;
}

function errorType(error: GatewayError, status: number): AnthropicErrorType {
  // An Anthropic upstream's own type is kept; another provider's vocabulary (server_error, ...) is not.
  if (error.providerType && KNOWN_TYPES.has(error.providerType)) {
    return error.providerType as AnthropicErrorType;
  }
  if (status === 413) return 'request_too_large';
  if (status === 402) return 'billing_error';
  return TYPE_BY_KIND[error.kind];
}

/**
 * `{"type":"error","error":{"type","message"}}` with Anthropic's status for the kind: 400 invalid_request_error,
 * 401 authentication_error, 403 permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error,
 * 500/502 api_error, 504 timeout_error, 529 overloaded_error.
 */
export function encodeAnthropicMessagesError(
  error: GatewayError,
): EncodedError & { body: AnthropicErrorWire } {
  const status = anthropicErrorStatus(error);
  return {
    status,
    body: { type: 'error', error: { type: errorType(error, status), message: error.message } },
  };
}
