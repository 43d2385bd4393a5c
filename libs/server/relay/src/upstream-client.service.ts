import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, Dispatcher, request } from 'undici';
import { AppConfig } from '@one-api/server-config';

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
