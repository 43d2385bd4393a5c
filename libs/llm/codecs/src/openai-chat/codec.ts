import type { EncodeContext, GatewayError, InboundCodec, StreamEncoder } from '@one-api/llm-core';
import type { CanonicalResponse } from '@one-api/llm-core';
import { decodeOpenAiChatRequest } from './decode-request';
import { encodeOpenAiChatError } from './encode-error';
import { encodeOpenAiChatResponse } from './encode-response';
import { OpenAiChatStreamEncoder } from './stream-encoder';

/** The OpenAI ChatCompletion inbound codec (`POST /v1/chat/completions`). */
export const openAiChatCodec: InboundCodec = {
  format: 'openai-chat',
  decodeRequest: (body: unknown) => decodeOpenAiChatRequest(body),
  encodeResponse: (response: CanonicalResponse, ctx: EncodeContext) =>
    encodeOpenAiChatResponse(response, ctx),
  createStreamEncoder: (ctx: EncodeContext): StreamEncoder => new OpenAiChatStreamEncoder(ctx),
  encodeError: (error: GatewayError) => encodeOpenAiChatError(error),
};
