import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Span } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import { DataSource } from 'typeorm';
import type { GatewayError } from '@one-api/llm-core';
import { unixNow } from '@one-api/server-common';
import { SqliteDirect } from '@one-api/server-db';
import { RelayCall, RelayChannelRef, RelayHooks, RelayObserver, RelayOutcome } from '@one-api/server-relay';
import { RequestContextService } from './request-context.service';
import { TracingService } from './tracing.service';

/** Milestones of one request (epoch ms), stored as the `timestamps` JSON of its traces row. */
export interface TraceTimestamps {
  request_received: number;
  upstream_request_sent?: number;
  first_upstream_response?: number;
  first_client_response?: number;
  request_completed?: number;
  attempts: Array<{ channel_id: number; started: number; ended?: number; status?: number; error?: string }>;
}

interface TraceState {
  span?: Span;
  attemptSpan?: Span;
  timestamps: TraceTimestamps;
}

interface TraceRow {
  trace_id: string;
  request_id: string;
  user_id: number;
  url: string;
  method: string;
  status: number;
  body_size: number;
  timestamps: string;
  created_at: number;
  updated_at: number;
}

const KEY = 'trace';
const FLUSH_MS = 200;

/**
 * Spans for the relay pipeline (`relay.request` with one `relay.upstream` child per attempt, a `first_token` event)
 * under the HTTP server span, and one `traces` row per relayed request with its milestones, written in batches.
 */
@Injectable()
export class TraceRecorder implements RelayObserver, OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Traces');
  private buffer: TraceRow[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly hooks: RelayHooks,
    private readonly tracing: TracingService,
    private readonly context: RequestContextService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.hooks.addObserver(this);
  }

  private state(call: RelayCall): TraceState | undefined {
    return call.scratch.get(KEY) as TraceState | undefined;
  }

  requestStarted(call: RelayCall): void {
    const parent = call.locals.traceContext as Parameters<TracingService['startSpan']>[1] | undefined;
    const span = parent
      ? this.tracing.startSpan('relay.request', parent, {
          kind: SpanKind.INTERNAL,
          startTime: call.startedAt,
          attributes: {
            'gen_ai.request.model': call.model,
            'relay.endpoint': call.endpoint,
            'relay.stream': call.stream,
            'relay.group': call.group,
            'enduser.id': String(call.userId),
            'relay.token_id': call.tokenId,
            'request.id': call.requestId,
          },
        })
      : undefined;
    call.scratch.set(KEY, {
      span,
      timestamps: { request_received: call.startedAt, attempts: [] },
    } satisfies TraceState);
  }

  attemptStarted(call: RelayCall, channel: RelayChannelRef, attempt: number): void {
    const s = this.state(call);
    if (!s) return;
    const now = Date.now();
    s.timestamps.upstream_request_sent ??= now;
    s.timestamps.attempts.push({ channel_id: channel.id, started: now });
    s.attemptSpan = s.span
      ? this.tracing.startSpan('relay.upstream', this.tracing.contextWith(s.span), {
          kind: SpanKind.CLIENT,
          attributes: {
            'relay.channel.id': channel.id,
            'relay.channel.type': channel.type,
            'relay.channel.name': channel.name,
            'relay.attempt': attempt,
          },
        })
      : undefined;
  }

  attemptFailed(
    call: RelayCall,
    _c: RelayChannelRef,
    error: GatewayError,
    _ms: number,
    status?: number,
  ): void {
    const s = this.state(call);
    if (!s) return;
    const last = s.timestamps.attempts[s.timestamps.attempts.length - 1];
    if (last) Object.assign(last, { ended: Date.now(), status: status ?? error.status, error: error.kind });
    if (s.attemptSpan) {
      s.attemptSpan.setAttribute('http.response.status_code', status ?? error.status);
      s.attemptSpan.setAttribute('error.type', error.kind);
      TracingService.fail(s.attemptSpan, error.message);
      s.attemptSpan.end();
      s.attemptSpan = undefined;
    }
  }

  attemptSucceeded(call: RelayCall): void {
    const s = this.state(call);
    if (!s) return;
    const now = Date.now();
    s.timestamps.first_upstream_response ??= now;
    const last = s.timestamps.attempts[s.timestamps.attempts.length - 1];
    if (last) Object.assign(last, { ended: now, status: 200 });
    if (s.attemptSpan) {
      s.attemptSpan.setAttribute('http.response.status_code', 200);
      s.attemptSpan.end();
      s.attemptSpan = undefined;
    }
  }

  firstByte(call: RelayCall): void {
    const s = this.state(call);
    if (!s) return;
    s.timestamps.first_client_response ??= Date.now();
    s.span?.addEvent('first_token');
  }

  requestFinished(call: RelayCall, outcome: RelayOutcome): void {
    const s = this.state(call);
    if (!s) return;
    const now = Date.now();
    s.timestamps.request_completed = now;
    if (s.attemptSpan) s.attemptSpan.end();
    if (s.span) {
      s.span.setAttributes({
        'http.response.status_code': outcome.status,
        'gen_ai.response.model': outcome.upstreamModel,
        'gen_ai.usage.input_tokens': outcome.promptTokens,
        'gen_ai.usage.output_tokens': outcome.completionTokens,
        'relay.quota': outcome.quota,
        ...(outcome.channel ? { 'relay.channel.id': outcome.channel.id } : {}),
      });
      if (outcome.error) TracingService.fail(s.span, outcome.error);
      s.span.end();
    }
    if (!call.traceId) return;
    this.buffer.push({
      trace_id: call.traceId,
      request_id: call.requestId,
      user_id: call.userId,
      url: call.path ?? call.endpoint,
      method: 'POST',
      status: outcome.status,
      body_size: call.bodyBytes ?? 0,
      timestamps: JSON.stringify(s.timestamps),
      created_at: unixNow(),
      updated_at: unixNow(),
    });
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes the buffered trace rows (also at shutdown, before the database closes). */
  private direct?: SqliteDirect | null;

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(async () => {
      if (rows.length === 0) return;
      try {
        this.direct ??= SqliteDirect.of(this.dataSource) ?? null;
        if (this.direct) {
          await this.direct.whenIdle();
          const direct = this.direct;
          direct.transaction(() => direct.insertRawIgnoringDuplicates('traces', rows));
          return;
        }
        await this.dataSource
          .createQueryBuilder()
          .insert()
          .into('traces', Object.keys(rows[0]))
          .values(rows)
          .orIgnore()
          .execute();
      } catch (error) {
        this.logger.warn(`could not write ${rows.length} trace(s): ${(error as Error).message}`);
      }
    });
    return this.writing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
    await this.tracing.flush().catch(() => undefined);
    void this.context;
  }
}
