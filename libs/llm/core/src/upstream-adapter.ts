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

/** An upstream answer as the relay reads it: status, headers and a body read once, as bytes or as text. */
export interface UpstreamExchangeResponse {
  statusCode: number;
  headers: HeaderValues;
  body: AsyncIterable<Uint8Array> & { text(): Promise<string> };
}

/**
 * The I/O an adapter may use in `authorize` / `exchange`: the gateway's own upstream client (its connection pool,
 * RELAY_TIMEOUT, the caller's cancellation) and a per-process cache for credentials such as exchanged access tokens.
 */
export interface UpstreamIo {
  send(call: {
    url: string;
    method: 'GET' | 'POST' | 'DELETE';
    headers: Record<string, string>;
    body?: string | Uint8Array;
  }): Promise<UpstreamExchangeResponse>;
  /** Aborted when the caller goes away or the attempt is abandoned. */
  signal: AbortSignal;
  /** Milliseconds since the epoch (injected so token expiry is testable). */
  now(): number;
  /** Shared by every request of the process; keys must include what makes the value unique (e.g. the channel key). */
  cache: Map<string, unknown>;
}

/**
 * One per upstream protocol. `buildRequest`, `parseResponse`, stream decoding and `parseError` are pure: no I/O, no
 * timers. Providers whose credentials need I/O or the final bytes implement `authorize`; providers whose call is not
 * one HTTP exchange (create a job, then poll it) implement `exchange`.
 */
export interface UpstreamAdapter {
  readonly format: WireFormat;
  buildRequest(request: CanonicalRequest, channel: UpstreamChannel): UpstreamHttpRequest;
  /** Throws a GatewayError when the body is not a valid answer (e.g. an error object with status 200). */
  parseResponse(json: unknown): CanonicalResponse;
  createStreamDecoder(): StreamDecoder;
  parseError(status: number, bodyText: string, headers?: HeaderValues): GatewayError;
  /**
   * Completes a built request right before each attempt sends it: an OAuth/JWT token exchange (cached in `io.cache`),
   * a signature over the final URL, headers and body (AWS SigV4). Throws a GatewayError when credentials are unusable.
   */
  authorize?(
    request: UpstreamHttpRequest,
    channel: UpstreamChannel,
    io: UpstreamIo,
  ): Promise<UpstreamHttpRequest>;
  /**
   * Performs the whole call itself instead of the relay's single send (e.g. create a prediction and poll until it
   * ends) and returns an answer `parseResponse` / `createStreamDecoder` / `parseError` understand.
   */
  exchange?(
    request: UpstreamHttpRequest,
    channel: UpstreamChannel,
    io: UpstreamIo,
  ): Promise<UpstreamExchangeResponse>;
  /** A native embeddings API, for protocols whose embeddings are not OpenAI-shaped (DashScope, ERNIE). */
  embeddings?: NativeEmbeddings;
}

/**
 * Embeddings have no canonical form: an adapter with a native embeddings API maps OpenAI's embeddings request onto it
 * and the answer back to OpenAI's `{object: "list", data: [{object, index, embedding}], model, usage}`.
 */
export interface NativeEmbeddings {
  /** `body` is the caller's OpenAI embeddings request with the upstream model in `model`. */
  buildRequest(body: Record<string, unknown>, channel: UpstreamChannel): UpstreamHttpRequest;
  /** Throws a GatewayError for an error object answered with a 2xx status. */
  toOpenAi(json: unknown, model: string): Record<string, unknown>;
}
