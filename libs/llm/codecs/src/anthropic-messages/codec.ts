import type {
  CanonicalResponse,
  EncodeContext,
  GatewayError,
  InboundCodec,
  StreamEncoder,
} from '@one-api/llm-core';
import { decodeAnthropicMessagesRequest } from './decode-request';
import { encodeAnthropicMessagesError } from './encode-error';
import { encodeAnthropicMessagesResponse } from './encode-response';
import { AnthropicMessagesStreamEncoder } from './stream-encoder';

/** The Claude Messages inbound codec (`POST /v1/messages`). */
export const anthropicMessagesCodec: InboundCodec = {
  format: 'anthropic-messages',
  decodeRequest: (body: unknown) => decodeAnthropicMessagesRequest(body),
  encodeResponse: (response: CanonicalResponse, ctx: EncodeContext) =>
    encodeAnthropicMessagesResponse(response, ctx),
  createStreamEncoder: (ctx: EncodeContext): StreamEncoder => new AnthropicMessagesStreamEncoder(ctx),
  encodeError: (error: GatewayError) => encodeAnthropicMessagesError(error),
};
