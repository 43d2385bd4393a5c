import type {
  CanonicalResponse,
  EncodeContext,
  GatewayError,
  InboundCodec,
  StreamEncoder,
} from '@one-api/llm-core';
import { decodeOpenAiResponsesRequest } from './decode-request';
import { encodeOpenAiResponsesError } from './encode-error';
import { encodeOpenAiResponsesResponse } from './encode-response';
import { OpenAiResponsesStreamEncoder } from './stream-encoder';

/**
 * The OpenAI Responses inbound codec (`POST /v1/responses`). `decodeRequest` prepares a conversion: it refuses what
 * only a Responses upstream can honour (`previous_response_id`, `conversation`, …) with a 400 naming the field —
 * a Responses-native channel gets the caller's bytes (passthrough) and never decodes.
 */
export const openAiResponsesCodec: InboundCodec = {
  format: 'openai-responses',
  decodeRequest: (body: unknown) => decodeOpenAiResponsesRequest(body, { mode: 'convert' }),
  encodeResponse: (response: CanonicalResponse, ctx: EncodeContext) =>
    encodeOpenAiResponsesResponse(response, ctx),
  createStreamEncoder: (ctx: EncodeContext): StreamEncoder => new OpenAiResponsesStreamEncoder(ctx),
  encodeError: (error: GatewayError) => encodeOpenAiResponsesError(error),
};
