import type { CanonicalRequest, WireFormat } from './canonical-request';
import type { CanonicalResponse } from './canonical-response';
import type { GatewayError } from './gateway-error';
import type { StreamEvent } from './stream-events';

/** The channel as the adapter needs it; the model mapping has already been applied to the request. */
export interface UpstreamChannel {
  /** One API channel type id. */
  type: number;
  /** The channel's base URL; empty means the type's default. */
  baseUrl: string;
  key: string;
  /** Parsed `channels.config` JSON. */
  config: Record<string, unknown>;
  /** Legacy `channels.other` column (api version, plugin, ...). */
  other?: string;
}

/** A fully built upstream call; the relay only sends it. */
export interface UpstreamHttpRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body: string;
  /** Settings that could not be expressed upstream and were dropped. */
  warnings: string[];
}

export interface StreamDecoder {
  /** Feeds raw bytes or text; chunks may split anywhere, including inside a UTF-8 sequence. */
  push(chunk: string | Uint8Array): StreamEvent[];
  /** The upstream closed the stream; emits an error event if it ended before finishing. */
  end(): StreamEvent[];
}

export type HeaderValues = Record<string, string | string[] | undefined>;

/** One per upstream protocol. Pure: no I/O, no timers. */
export interface UpstreamAdapter {
  readonly format: WireFormat;
  buildRequest(request: CanonicalRequest, channel: UpstreamChannel): UpstreamHttpRequest;
  /** Throws a GatewayError when the body is not a valid answer (e.g. an error object with status 200). */
  parseResponse(json: unknown): CanonicalResponse;
  createStreamDecoder(): StreamDecoder;
  parseError(status: number, bodyText: string, headers?: HeaderValues): GatewayError;
}
