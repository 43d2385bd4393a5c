import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, Dispatcher, request } from 'undici';
import { AppConfig } from '@one-api/server-config';
import type {
  UpstreamAdapter,
  UpstreamChannel,
  UpstreamExchangeResponse,
  UpstreamHttpRequest,
  UpstreamIo,
} from '@one-api/llm-core';

export interface UpstreamCall {
  url: string;
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

export type UpstreamResponse = Dispatcher.ResponseData;

/**
 * The only place the relay talks HTTP to providers: one keep-alive connection pool per origin (undici Agent),
 * RELAY_TIMEOUT applied to headers and body, cancellation through the caller's AbortSignal.
 */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly credentialCache = new Map<string, unknown>();

  constructor(config: AppConfig) {
    const timeout = config.relayTimeout > 0 ? config.relayTimeout * 1000 : 0;
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connections: 1024,
      pipelining: 1,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      connect: { timeout: 10_000 },
    });
  }

  /**
   * Sends a planned call: the plain request, or — for adapters that need I/O of their own — after `authorize`
   * (token exchange, signing) and through `exchange` (multi-step calls such as create-then-poll).
   */
  async sendPlanned(
    call: UpstreamCall & { signal: AbortSignal },
    adapter?: UpstreamAdapter,
    channel?: UpstreamChannel,
  ): Promise<UpstreamExchangeResponse> {
    if (!adapter || !channel || (!adapter.authorize && !adapter.exchange)) return this.send(call);
    const io = this.ioFor(call.signal);
    let http: UpstreamHttpRequest = {
      url: call.url,
      method: call.method === 'GET' ? 'GET' : 'POST',
      headers: call.headers,
      body: typeof call.body === 'string' ? call.body : (call.body?.toString('utf8') ?? ''),
      warnings: [],
    };
    if (adapter.authorize) http = await adapter.authorize(http, channel, io);
    if (adapter.exchange) return adapter.exchange(http, channel, io);
    return this.send({ ...call, url: http.url, headers: http.headers, body: http.body });
  }

  /** The I/O handle adapters get: this client's pool, the attempt's cancellation, the process-wide credential cache. */
  ioFor(signal: AbortSignal): UpstreamIo {
    return {
      send: (call) =>
        this.send({
          url: call.url,
          method: call.method,
          headers: call.headers,
          body: call.body === undefined || typeof call.body === 'string' ? call.body : Buffer.from(call.body),
          signal,
        }),
      signal,
      now: () => Date.now(),
      cache: this.credentialCache,
    };
  }

  send(call: UpstreamCall): Promise<UpstreamResponse> {
    return request(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal: call.signal,
      dispatcher: this.agent,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}
