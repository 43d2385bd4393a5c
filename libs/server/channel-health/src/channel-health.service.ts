import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ChannelStatus, LogType } from '@one-api/contracts';
import { ChannelsService } from '@one-api/server-channels';
import { ChangeBus } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { LogsService } from '@one-api/server-logs';
import { OptionsService } from '@one-api/server-options';
import { RedisService, SharedCounters } from '@one-api/server-redis';
import {
  Candidate,
  ChannelFilterResult,
  RelayCall,
  RelayChannelRef,
  RelayDirectory,
  RelayHooks,
  RelayObserver,
} from '@one-api/server-relay';
import type { GatewayError } from '@one-api/llm-core';
import { CircuitBreakers } from './circuit-breaker';
import { failureFacts, isHealthFailure, shouldDisableChannel } from './disable-rules';

const HEALTH_CHANNEL = 'health';
const CHANNEL_WINDOW_MS = 180_000;

interface HealthMessage {
  from: string;
  kind: 'suspend';
  key: string;
  until: number;
}

/** Per-channel numbers for metrics and the status page. */
export interface ChannelHealthStats {
  requests: number;
  failures: number;
  inFlight: number;
  lastLatencyMs: number;
}

/**
 * Keeps failing channels out of routing: One API's auto-disable on fatal errors (invalid key, deactivated account,
 * no credit), a per-ability suspension after a 429 (shared with the other replicas through Redis), a circuit breaker
 * per channel with half-open probing, and optional per-channel rate limits. It watches the relay through RelayHooks
 * and filters its routing candidates.
 */
@Injectable()
export class ChannelHealthService implements RelayObserver, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ChannelHealth');
  readonly breakers: CircuitBreakers;
  private readonly suspended = new Map<string, number>();
  private readonly disabling = new Set<number>();
  /** what each channel looked like when its state was recorded: an edited or re-created channel starts clean */
  private readonly fingerprints = new Map<number, string>();
  readonly stats = new Map<number, ChannelHealthStats>();
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly config: AppConfig,
    private readonly hooks: RelayHooks,
    private readonly directory: RelayDirectory,
    private readonly channels: ChannelsService,
    private readonly bus: ChangeBus,
    private readonly options: OptionsService,
    private readonly logs: LogsService,
    private readonly redis: RedisService,
    private readonly counters: SharedCounters,
  ) {
    this.breakers = new CircuitBreakers({
      window: config.channelBreakerWindow,
      minRequests: Math.min(config.channelBreakerMinRequests, config.channelBreakerWindow),
      failureRatePercent: config.channelBreakerFailureRate,
      cooldownMs: config.channelBreakerCooldownSeconds * 1000,
    });
  }

  onModuleInit(): void {
    this.hooks.addObserver(this);
    this.hooks.addFilter((candidates, context) => this.filter(candidates, context));
    this.stops.push(
      this.redis.subscribe(HEALTH_CHANNEL, (text) => {
        try {
          const msg = JSON.parse(text) as HealthMessage;
          if (msg.from !== this.redis.instanceId && msg.kind === 'suspend')
            this.suspendLocal(msg.key, msg.until);
        } catch {
          // not ours
        }
      }),
      // An admin edit or re-enable starts a channel with a clean record.
      this.bus.subscribe('channels', (event) => {
        if (event.ids) for (const id of event.ids) this.breakers.reset(Number(id));
      }),
    );
  }

  onModuleDestroy(): void {
    this.stops.forEach((stop) => stop());
  }

  private static abilityKey(channelId: number, group: string, model: string): string {
    return `${channelId}|${group}|${model}`;
  }

  /** ms left on the suspension of (channel, group, model); 0 when not suspended */
  suspendedFor(channelId: number, group: string, model: string): number {
    const key = ChannelHealthService.abilityKey(channelId, group, model);
    const until = this.suspended.get(key);
    if (!until) return 0;
    const left = until - Date.now();
    if (left <= 0) this.suspended.delete(key);
    return Math.max(0, left);
  }

  private suspendLocal(key: string, until: number): void {
    if ((this.suspended.get(key) ?? 0) < until) this.suspended.set(key, until);
  }

  suspend(channelId: number, group: string, model: string, seconds: number): void {
    const key = ChannelHealthService.abilityKey(channelId, group, model);
    const until = Date.now() + seconds * 1000;
    this.suspendLocal(key, until);
    const msg: HealthMessage = { from: this.redis.instanceId, kind: 'suspend', key, until };
    this.redis.publish(HEALTH_CHANNEL, JSON.stringify(msg));
  }

  private async filter(
    candidates: Candidate[],
    context: { group: string; model: string },
  ): Promise<ChannelFilterResult> {
    const kept: Candidate[] = [];
    let retryAfterMs = Infinity;
    let onlyRateLimited = true;
    for (const c of candidates) {
      await this.checkFingerprint(c.channelId);
      const suspendedMs = this.suspendedFor(c.channelId, context.group, context.model);
      if (suspendedMs > 0) {
        retryAfterMs = Math.min(retryAfterMs, suspendedMs);
        continue;
      }
      if (!this.breakers.allows(c.channelId)) {
        onlyRateLimited = false;
        retryAfterMs = Math.min(retryAfterMs, this.breakers.retryAfterMs(c.channelId) || 1000);
        continue;
      }
      const limit = this.config.globalChannelRateLimit ? await this.channelLimit(c.channelId) : 0;
      if (limit > 0) {
        const { count, resetMs } = await this.counters.peek(`channel:${c.channelId}`);
        if (count >= limit) {
          retryAfterMs = Math.min(retryAfterMs, resetMs || 1000);
          continue;
        }
      }
      kept.push(c);
    }
    if (kept.length > 0) return { candidates: kept };
    return {
      candidates: [],
      retryAfterMs: Number.isFinite(retryAfterMs) ? retryAfterMs : undefined,
      rateLimited: onlyRateLimited,
    };
  }

  /** Forgets the suspensions and breaker of a channel whose id now names a different channel (edited, re-created). */
  private async checkFingerprint(channelId: number): Promise<void> {
    const channel = await this.directory.channel(channelId);
    if (!channel) return;
    const fingerprint = [channel.createdTime, channel.name, channel.baseUrl, channel.key, channel.type].join(
      '\u0000',
    );
    const known = this.fingerprints.get(channelId);
    if (known === fingerprint) return;
    if (known !== undefined) {
      this.breakers.reset(channelId);
      for (const key of this.suspended.keys())
        if (key.startsWith(`${channelId}|`)) this.suspended.delete(key);
    }
    this.fingerprints.set(channelId, fingerprint);
  }

  /** `rate_limit` (requests per 3 minutes) from the channel's config JSON; 0 = none. */
  private async channelLimit(channelId: number): Promise<number> {
    const channel = await this.directory.channel(channelId);
    if (!channel?.config) return 0;
    try {
      const value = (JSON.parse(channel.config) as { rate_limit?: unknown }).rate_limit;
      const n = Number(value);
      return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
    } catch {
      return 0;
    }
  }

  private stat(channelId: number): ChannelHealthStats {
    let s = this.stats.get(channelId);
    if (!s) this.stats.set(channelId, (s = { requests: 0, failures: 0, inFlight: 0, lastLatencyMs: 0 }));
    return s;
  }

  attemptStarted(_call: RelayCall, channel: RelayChannelRef): void {
    this.breakers.started(channel.id);
    this.stat(channel.id).inFlight++;
    if (this.config.globalChannelRateLimit)
      void this.counters.hit(`channel:${channel.id}`, CHANNEL_WINDOW_MS).catch(() => undefined);
  }

  attemptSucceeded(_call: RelayCall, channel: RelayChannelRef, latencyMs: number): void {
    const s = this.stat(channel.id);
    s.inFlight = Math.max(0, s.inFlight - 1);
    s.requests++;
    s.lastLatencyMs = latencyMs;
    this.breakers.succeeded(channel.id);
  }

  attemptFailed(
    call: RelayCall,
    channel: RelayChannelRef,
    error: GatewayError,
    latencyMs: number,
    upstreamStatus?: number,
  ): void {
    const s = this.stat(channel.id);
    s.inFlight = Math.max(0, s.inFlight - 1);
    s.requests++;
    s.failures++;
    s.lastLatencyMs = latencyMs;
    if (error.providerCode === 'client_closed') return;
    const status = upstreamStatus ?? error.status;
    if (status === 429 && this.config.channelSuspendSecondsFor429 > 0) {
      this.suspend(channel.id, call.group, call.model, this.config.channelSuspendSecondsFor429);
      this.logger.warn(
        `channel #${channel.id} answered 429: ${call.group}/${call.model} suspended for ${this.config.channelSuspendSecondsFor429} s`,
      );
    } else if (isHealthFailure(error)) {
      this.breakers.failed(channel.id);
    }
    const facts = failureFacts(error, upstreamStatus);
    if (shouldDisableChannel(facts) && this.options.getBool('AutomaticDisableChannelEnabled')) {
      void this.autoDisable(channel, facts.message ?? error.message);
    }
  }

  /** One API's auto-disable: status 3, abilities off, every replica's routing drops it, a system log says why. */
  async autoDisable(channel: RelayChannelRef, reason: string): Promise<void> {
    if (this.disabling.has(channel.id)) return;
    this.disabling.add(channel.id);
    try {
      const current = await this.directory.channel(channel.id);
      if (current && current.status !== ChannelStatus.Enabled) return;
      await this.channels.updateStatus(channel.id, ChannelStatus.AutoDisabled);
      this.bus.publish('channels', [channel.id]);
      this.logger.warn(`channel #${channel.id} (${channel.name}) was disabled automatically: ${reason}`);
      await this.logs.record({
        userId: 0,
        type: LogType.System,
        content: `Channel "${channel.name}" (#${channel.id}) was disabled automatically: ${reason.slice(0, 300)}`,
        channelId: channel.id,
      });
    } catch (error) {
      this.logger.error(`auto-disable of channel #${channel.id} failed: ${(error as Error).message}`);
    } finally {
      this.disabling.delete(channel.id);
    }
  }

  /** Auto-enable after a passing test (AutomaticEnableChannelEnabled); only channels the gateway disabled itself. */
  async autoEnable(channel: RelayChannelRef): Promise<boolean> {
    await this.channels.updateStatus(channel.id, ChannelStatus.Enabled);
    this.breakers.reset(channel.id);
    this.bus.publish('channels', [channel.id]);
    this.logger.log(`channel #${channel.id} (${channel.name}) passed its test and was enabled again`);
    await this.logs.record({
      userId: 0,
      type: LogType.System,
      content: `Channel "${channel.name}" (#${channel.id}) passed its test and was enabled again`,
      channelId: channel.id,
    });
    return true;
  }
}
