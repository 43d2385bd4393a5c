import type { CanonicalRequest, WireFormat } from './canonical-request';
import type { CanonicalResponse } from './canonical-response';
import type { GatewayError } from './gateway-error';
import type { StreamEvent } from './stream-events';

/** Where reasoning text goes in OpenAI-style output (`?reasoning_format=`). */
export type ReasoningOutputFormat = 'reasoning_content' | 'reasoning' | 'thinking';

export interface EncodeContext {
  /** The request as the codec decoded it (its `codecState` and stream options drive the encoding). */
  request: CanonicalRequest;
  /** Model name to report to the client instead of the upstream's. */
  model?: string;
  reasoningFormat?: ReasoningOutputFormat;
  /** Told what the caller's format cannot carry and was dropped (a generated image in a Claude answer). */
  warn?: (message: string) => void;
}

/** Per-request stream writer; each call returns SSE text to write to the client (possibly ''). */
export interface StreamEncoder {
  encode(event: StreamEvent): string;
  /** Closes the stream (usage chunk, `[DONE]`, terminal events). */
  finish(): string;
}

export interface EncodedError {
  status: number;
  /** JSON body in the client format's own error shape. */
  body: unknown;
}

/** One per client-facing format: OpenAI Chat, Responses, Claude Messages, ... */
export interface InboundCodec {
  readonly format: WireFormat;
  /** Throws a GatewayError of kind `invalid-request` naming the bad field. */
  decodeRequest(body: unknown): CanonicalRequest;
  /** Returns the JSON body to send. */
  encodeResponse(response: CanonicalResponse, ctx: EncodeContext): unknown;
  createStreamEncoder(ctx: EncodeContext): StreamEncoder;
  encodeError(error: GatewayError): EncodedError;
}
