import { GatewayError, HeaderValues } from '@one-api/llm-core';
import { parseOpenAiError } from '@one-api/llm-providers';
import type { Channel } from '@one-api/server-db';

/**
 * An upstream failure as the caller should see it. Credential problems are the channel's, not the caller's: they
 * become 502 without the provider's text (which may quote part of the channel key).
 */
export function parseOpenAiUpstreamError(
  status: number,
  bodyText: string,
  headers?: HeaderValues,
): GatewayError {
  const error = parseOpenAiError(status, bodyText, headers);
  if (error.kind === 'auth' || error.kind === 'permission') {
    return new GatewayError({
      kind: 'upstream',
      status: 502,
      message: 'the upstream provider rejected the channel credentials',
      providerCode: error.providerCode,
      raw: error.raw,
      retryable: true,
    });
  }
  return error;
}

/** Failures another channel may not have; bad requests and context overflow would fail everywhere. */
export function shouldTryAnotherChannel(error: GatewayError): boolean {
  return error.retryable || error.kind === 'not-found';
}

const KEY_LIKE = /\b(sk|key|api[_-]?key)[-_][A-Za-z0-9*._-]{6,}/gi;
const URL_LIKE = /\bhttps?:\/\/[^\s"')]+/gi;

/** The provider's message with anything that could identify the channel (its key, its URL) removed. */
export function userFacingMessage(error: GatewayError, channel?: Channel): string {
  let message = error.message;
  if (channel?.key) message = message.split(channel.key).join('***');
  if (channel?.baseUrl) message = message.split(channel.baseUrl).join('[upstream]');
  return message.replace(KEY_LIKE, '***').replace(URL_LIKE, '[upstream]');
}
