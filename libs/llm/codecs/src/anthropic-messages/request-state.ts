import type { CanonicalRequest, HeaderValues } from '@one-api/llm-core';

/**
 * Keys of `CanonicalRequest.codecState` the Claude Messages codec writes and the Anthropic adapter reads. They carry
 * what the canonical model has no field for, so a Claude request converted back to Anthropic loses nothing that
 * matters: server / Anthropic-defined tools, the thinking `display` option, and the caller's protocol headers.
 */
/** Tools that are not plain custom tools (`web_search_20250305`, `bash_20250124`, ...), as the client sent them. */
export const ANTHROPIC_SERVER_TOOLS_STATE = 'anthropicServerTools';
/** `thinking.display` as the client sent it (`summarized` / `omitted`). */
export const ANTHROPIC_THINKING_DISPLAY_STATE = 'anthropicThinkingDisplay';
/** The caller's `anthropic-version` header (set by the relay with `withAnthropicHeaders`). */
export const ANTHROPIC_VERSION_STATE = 'anthropicVersion';
/** The caller's `anthropic-beta` header, comma-joined (set by the relay with `withAnthropicHeaders`). */
export const ANTHROPIC_BETA_STATE = 'anthropicBeta';

/** The `anthropic-version` the gateway sends when the caller gave none. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

export interface AnthropicCallerHeaders {
  version?: string;
  beta?: string;
}

function headerValue(headers: HeaderValues, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  const joined = Array.isArray(value) ? value.join(',') : value;
  const trimmed = joined?.trim();
  return trimmed ? trimmed : undefined;
}

/** `anthropic-version` and `anthropic-beta` (several headers are comma-joined) of an inbound request. */
export function anthropicCallerHeaders(headers: HeaderValues): AnthropicCallerHeaders {
  const result: AnthropicCallerHeaders = {};
  const version = headerValue(headers, 'anthropic-version');
  const beta = headerValue(headers, 'anthropic-beta');
  if (version !== undefined) result.version = version;
  if (beta !== undefined) result.beta = beta;
  return result;
}

/**
 * Records the caller's `anthropic-version` / `anthropic-beta` (see `anthropicCallerHeaders`) in the request's codec
 * state; the Anthropic adapter sends them upstream, other adapters ignore them. Returns the same request object.
 */
export function withAnthropicHeaders(
  request: CanonicalRequest,
  given: AnthropicCallerHeaders,
): CanonicalRequest {
  const state = { ...(request.codecState ?? {}) };
  if (given.version) state[ANTHROPIC_VERSION_STATE] = given.version;
  if (given.beta) state[ANTHROPIC_BETA_STATE] = given.beta;
  request.codecState = state;
  return request;
}
