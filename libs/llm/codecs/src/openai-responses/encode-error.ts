import type { EncodedError, GatewayError } from '@one-api/llm-core';
import { encodeOpenAiChatError } from '../openai-chat/encode-error';
import type { OpenAiErrorWire } from '../openai-chat/wire-types';

/**
 * The Responses API answers errors in OpenAI's shape, `{error:{message,type,param,code}}`, with the HTTP status
 * (a failure after the stream started is a `response.failed` event instead, see the stream encoder).
 */
export function encodeOpenAiResponsesError(error: GatewayError): EncodedError & { body: OpenAiErrorWire } {
  return encodeOpenAiChatError(error);
}
