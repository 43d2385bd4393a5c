import type { EncodedError, GatewayError, GatewayErrorKind } from '@one-api/llm-core';
import type { OpenAiErrorWire } from './wire-types';

const TYPE_BY_KIND: Readonly<Record<GatewayErrorKind, string>> = {
  auth: 'authentication_error',
  permission: 'permission_error',
  'not-found': 'invalid_request_error',
  'rate-limit': 'rate_limit_error',
  'context-length': 'invalid_request_error',
  overloaded: 'server_error',
  'invalid-request': 'invalid_request_error',
  upstream: 'server_error',
  timeout: 'server_error',
  network: 'server_error',
};

const CODE_BY_KIND: Partial<Record<GatewayErrorKind, string>> = {
  'context-length': 'context_length_exceeded',
  'rate-limit': 'rate_limit_exceeded',
};

/** `{error:{message,type,param,code}}` with the error's HTTP status, as OpenAI answers. */
export function encodeOpenAiChatError(error: GatewayError): EncodedError & { body: OpenAiErrorWire } {
  return {
    status: error.status,
    body: {
      error: {
        message: error.message,
        type: error.providerType ?? TYPE_BY_KIND[error.kind],
        param: error.param ?? null,
        code: error.providerCode ?? CODE_BY_KIND[error.kind] ?? null,
      },
    },
  };
}
