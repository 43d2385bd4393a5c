import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Repository } from 'typeorm';
import { ChannelHealthService } from '@one-api/server-channel-health';
import { AppConfig } from '@one-api/server-config';
import { Channel } from '@one-api/server-db';
import { readAppVersion } from '@one-api/server-options';
import { JobQueue } from '@one-api/server-queue';
import { RelayCall, RelayChannelRef, RelayHooks, RelayObserver, RelayOutcome } from '@one-api/server-relay';
import type { GatewayError } from '@one-api/llm-core';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Prometheus metrics (prom-client, One API fork names where they exist): HTTP traffic, relay requests by model and
 * channel with latency and time-to-first-token, tokens and quota, channel health, rate-limit hits, queue depth,
 * Node process metrics. Each app instance has its own registry.
 */
@Injectable()
export class MetricsService implements RelayObserver, OnModuleInit {
  readonly registry = new Registry();
  readonly enabled: boolean;
  private readonly httpRequests: Counter<'method' | 'path' | 'status_code'>;
  private readonly httpDuration: Histogram<'method' | 'path' | 'status_code'>;
  private readonly httpActive: Gauge;
  private readonly relayRequests: Counter<'channel_id' | 'channel_type' | 'model' | 'success'>;
  private readonly relayDuration: Histogram<'channel_type' | 'model' | 'success'>;
  private readonly relayTtft: Histogram<'channel_type' | 'model'>;
  private readonly relayTokens: Counter<'model' | 'type'>;
  private readonly relayQuota: Counter<'model'>;
  private readonly upstreamAttempts: Counter<'channel_id' | 'outcome'>;
  private readonly rateLimitHits: Counter<'limiter'>;
  private readonly errors: Counter<'type'>;

  constructor(
    config: AppConfig,
    private readonly hooks: RelayHooks,
    health: ChannelHealthService,
    queue: JobQueue,
    @InjectRepository(Channel) channels: Repository<Channel>,
  ) {
    this.enabled = config.enablePrometheusMetrics;
    const registers = [this.registry];
    if (this.enabled) collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'one_api_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'path', 'status_code'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'one_api_http_request_duration_seconds',
      help: 'HTTP request duration (until the response ended, streams included)',
      labelNames: ['method', 'path', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.httpActive = new Gauge({
      name: 'one_api_http_active_requests',
      help: 'HTTP requests in progress',
      registers,
    });
    this.relayRequests = new Counter({
      name: 'one_api_relay_requests_total',
      help: 'Relayed requests by channel, model and outcome',
      labelNames: ['channel_id', 'channel_type', 'model', 'success'],
      registers,
    });
    this.relayDuration = new Histogram({
      name: 'one_api_relay_request_duration_seconds',
      help: 'Relayed request duration, from arrival to the end of the answer',
      labelNames: ['channel_type', 'model', 'success'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.relayTtft = new Histogram({
      name: 'one_api_relay_time_to_first_token_seconds',
      help: 'Time from arrival to the first bytes of the answer sent to the client',
      labelNames: ['channel_type', 'model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.relayTokens = new Counter({
      name: 'one_api_relay_tokens_total',
      help: 'Tokens billed, by model and type (prompt, completion)',
      labelNames: ['model', 'type'],
      registers,
    });
    this.relayQuota = new Counter({
      name: 'one_api_relay_quota_used_total',
      help: 'Quota charged, by model',
      labelNames: ['model'],
      registers,
    });
    this.upstreamAttempts = new Counter({
      name: 'one_api_channel_attempts_total',
      help: 'Upstream attempts by channel and outcome (success, error, rate_limited)',
      labelNames: ['channel_id', 'outcome'],
      registers,
    });
    this.rateLimitHits = new Counter({
      name: 'one_api_rate_limit_hits_total',
      help: 'Requests refused by a rate limiter',
      labelNames: ['limiter'],
      registers,
    });
    this.errors = new Counter({
      name: 'one_api_errors_total',
      help: 'Relay errors by kind',
      labelNames: ['type'],
      registers,
    });
    new Gauge({
      name: 'one_api_channel_status',
      help: 'Channel status (1 enabled, 2 manually disabled, 3 automatically disabled)',
      labelNames: ['channel_id', 'channel_name', 'channel_type'],
      registers,
      async collect() {
        this.reset();
        const rows = await channels.find({ select: { id: true, name: true, type: true, status: true } });
        for (const c of rows)
          this.set(
            { channel_id: String(c.id), channel_name: c.name ?? '', channel_type: String(c.type) },
            c.status,
          );
      },
    });
    new Gauge({
      name: 'one_api_channel_response_time_ms',
      help: 'Latency of the last upstream attempt of the channel in this process',
      labelNames: ['channel_id'],
      registers,
      collect() {
        this.reset();
        for (const [id, s] of health.stats) this.set({ channel_id: String(id) }, s.lastLatencyMs);
      },
    });
    new Gauge({
      name: 'one_api_channel_success_rate',
      help: 'Share of successful upstream attempts of the channel in this process',
      labelNames: ['channel_id'],
      registers,
      collect() {
        this.reset();
        for (const [id, s] of health.stats)
          if (s.requests > 0) this.set({ channel_id: String(id) }, (s.requests - s.failures) / s.requests);
      },
    });
    new Gauge({
      name: 'one_api_channel_requests_in_flight',
      help: 'Upstream attempts waiting for their answer headers, by channel',
      labelNames: ['channel_id'],
      registers,
      collect() {
        this.reset();
        for (const [id, s] of health.stats) this.set({ channel_id: String(id) }, s.inFlight);
      },
    });
    new Gauge({
      name: 'one_api_channel_circuit_state',
      help: 'Circuit breaker state by channel (0 closed, 1 half-open, 2 open)',
      labelNames: ['channel_id'],
      registers,
      collect() {
        this.reset();
        for (const b of health.breakers.snapshot())
          this.set({ channel_id: String(b.channelId) }, BREAKER_VALUE[b.state]);
      },
    });
    new Gauge({
      name: 'one_api_queue_jobs',
      help: 'Background jobs by state',
      labelNames: ['state', 'driver'],
      registers,
      async collect() {
        this.reset();
        try {
          const counts = await queue.counts();
          for (const [state, n] of Object.entries(counts)) this.set({ state, driver: queue.kind }, n);
        } catch {
          // queue unreachable: no sample
        }
      },
    });
    new Gauge({
      name: 'one_api_system_start_time_seconds',
      help: 'Unix time the process started',
      registers,
    }).set(Math.floor(Date.now() / 1000 - process.uptime()));
    new Gauge({
      name: 'one_api_system_info',
      help: 'Version of the gateway',
      labelNames: ['version', 'node_version'],
      registers,
    }).set({ version: readAppVersion(), node_version: process.version }, 1);
  }

  onModuleInit(): void {
    if (this.enabled) this.hooks.addObserver(this);
  }

  /** Express middleware: HTTP request counts, durations and the in-progress gauge. */
  httpMiddleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (!this.enabled || req.path === '/metrics') return next();
      const stop = this.httpDuration.startTimer();
      this.httpActive.inc();
      res.once('close', () => {
        this.httpActive.dec();
        const route = (req.route as { path?: string } | undefined)?.path;
        // Routes served before Nest's router (the relay fast lane) name themselves in res.locals.route.
        const laneRoute = res.locals.route as string | undefined;
        const labels = {
          method: req.method,
          path: route
            ? `${req.baseUrl ?? ''}${route}`
            : laneRoute
              ? laneRoute
              : req.path.startsWith('/api') || req.path.startsWith('/v1')
                ? 'unmatched'
                : 'static',
          status_code: String(res.statusCode),
        };
        this.httpRequests.inc(labels);
        stop(labels);
      });
      next();
    };
  }

  rateLimited(limiter: string): void {
    if (this.enabled) this.rateLimitHits.inc({ limiter });
  }

  attemptFailed(_call: RelayCall, channel: RelayChannelRef, error: GatewayError): void {
    this.upstreamAttempts.inc({
      channel_id: String(channel.id),
      outcome: error.kind === 'rate-limit' ? 'rate_limited' : 'error',
    });
    this.errors.inc({ type: error.kind });
  }

  attemptSucceeded(_call: RelayCall, channel: RelayChannelRef): void {
    this.upstreamAttempts.inc({ channel_id: String(channel.id), outcome: 'success' });
  }

  firstByte(call: RelayCall, channel: RelayChannelRef, sinceStartMs: number): void {
    this.relayTtft.observe({ channel_type: String(channel.type), model: call.model }, sinceStartMs / 1000);
  }

  requestFinished(call: RelayCall, outcome: RelayOutcome): void {
    const success = String(outcome.status < 400 && !outcome.error);
    const channelType = outcome.channel ? String(outcome.channel.type) : 'none';
    this.relayRequests.inc({
      channel_id: outcome.channel ? String(outcome.channel.id) : 'none',
      channel_type: channelType,
      model: call.model,
      success,
    });
    this.relayDuration.observe(
      { channel_type: channelType, model: call.model, success },
      outcome.elapsedMs / 1000,
    );
    if (outcome.promptTokens)
      this.relayTokens.inc({ model: call.model, type: 'prompt' }, outcome.promptTokens);
    if (outcome.completionTokens)
      this.relayTokens.inc({ model: call.model, type: 'completion' }, outcome.completionTokens);
    if (outcome.quota) this.relayQuota.inc({ model: call.model }, outcome.quota);
  }
}
