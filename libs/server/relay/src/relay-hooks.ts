import { Injectable, Logger } from '@nestjs/common';
import type { GatewayError } from '@one-api/llm-core';
import type { Candidate } from './channel-picker';

/** One relayed request as observers (health, metrics, tracing) see it. */
export interface RelayCall {
  requestId: string;
  /** the trace this request belongs to (W3C trace id, 32 hex digits) when tracing set one */
  traceId?: string;
  /** epoch ms */
  startedAt: number;
  endpoint: string;
  model: string;
  group: string;
  stream: boolean;
  userId: number;
  tokenId: number;
  /** the request path and body size, for the traces table */
  path?: string;
  bodyBytes?: number;
  /** the response's `res.locals` (what earlier middleware attached: request id, trace context) */
  readonly locals: Record<string, unknown>;
  /** free slot for observers to keep per-request state (spans, timers), by observer name */
  readonly scratch: Map<string, unknown>;
}

export interface RelayChannelRef {
  id: number;
  type: number;
  name: string;
}

export interface RelayOutcome {
  /** the channel that answered last (null when none was tried) */
  channel: RelayChannelRef | null;
  /** HTTP status sent to the client */
  status: number;
  quota: number;
  promptTokens: number;
  completionTokens: number;
  upstreamModel: string;
  elapsedMs: number;
  /** why it failed or was cut short, when it did */
  error?: string;
}

/** Events of the relay pipeline; every method is optional and must not throw or block. */
export interface RelayObserver {
  requestStarted?(call: RelayCall): void;
  attemptStarted?(call: RelayCall, channel: RelayChannelRef, attempt: number): void;
  /** an upstream attempt failed before anything reached the client (`upstreamStatus`: the provider's HTTP status) */
  attemptFailed?(
    call: RelayCall,
    channel: RelayChannelRef,
    error: GatewayError,
    latencyMs: number,
    upstreamStatus?: number,
  ): void;
  /** the upstream answered 2xx (headers received) */
  attemptSucceeded?(call: RelayCall, channel: RelayChannelRef, latencyMs: number): void;
  /** the first body bytes went to the client (time to first token for streams) */
  firstByte?(call: RelayCall, channel: RelayChannelRef, sinceStartMs: number): void;
  /** the request ended and its settlement was queued */
  requestFinished?(call: RelayCall, outcome: RelayOutcome): void;
}

export interface ChannelFilterResult {
  candidates: Candidate[];
  /** when every candidate was removed: how long until one may be usable again */
  retryAfterMs?: number;
  /** when every candidate was removed: true if they are only rate limited (answer 429, not 503) */
  rateLimited?: boolean;
}

/** Removes channels that may not take traffic now (suspended, breaker open, at their rate limit). */
export type ChannelFilter = (
  candidates: Candidate[],
  context: { group: string; model: string },
) => ChannelFilterResult | Promise<ChannelFilterResult>;

/**
 * Where operational modules plug into the relay without the relay knowing them: observers of its events and
 * filters on its routing candidates. Registered at module init; with none registered the relay behaves as before.
 */
@Injectable()
export class RelayHooks {
  private readonly logger = new Logger('RelayHooks');
  private readonly observers: RelayObserver[] = [];
  private readonly filters: ChannelFilter[] = [];

  addObserver(observer: RelayObserver): void {
    this.observers.push(observer);
  }

  addFilter(filter: ChannelFilter): void {
    this.filters.push(filter);
  }

  emit<K extends keyof RelayObserver>(event: K, ...args: Parameters<NonNullable<RelayObserver[K]>>): void {
    for (const observer of this.observers) {
      const fn = observer[event] as ((...a: unknown[]) => void) | undefined;
      if (!fn) continue;
      try {
        fn.apply(observer, args);
      } catch (error) {
        this.logger.warn(`observer ${String(event)} threw: ${(error as Error).message}`);
      }
    }
  }

  /** The candidates every filter lets through (all of them when no filter is registered). */
  async available(
    candidates: Candidate[],
    context: { group: string; model: string },
  ): Promise<ChannelFilterResult> {
    let result: ChannelFilterResult = { candidates };
    for (const filter of this.filters) {
      if (result.candidates.length === 0) break;
      result = await filter(result.candidates, context);
    }
    return result;
  }
}
