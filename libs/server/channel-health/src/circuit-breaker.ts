export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  /** recent attempts looked at */
  window: number;
  /** attempts needed before the breaker may open */
  minRequests: number;
  /** failures in the window, in percent, that open it */
  failureRatePercent: number;
  /** how long an open breaker keeps the channel out before a probe */
  cooldownMs: number;
}

interface ChannelBreaker {
  results: boolean[];
  state: BreakerState;
  openedAt: number;
  probeStartedAt: number;
  trips: number;
}

const PROBE_TIMEOUT_MS = 60_000;

/**
 * A circuit breaker per channel over a sliding window of recent attempts: when the share of failures in the window
 * reaches the threshold (a down or flapping channel) it opens and the channel takes no traffic; after the cool-down
 * it is half-open and exactly one request probes it — success closes the breaker, failure opens it again.
 */
export class CircuitBreakers {
  private readonly breakers = new Map<number, ChannelBreaker>();

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private get(channelId: number): ChannelBreaker {
    let b = this.breakers.get(channelId);
    if (!b) {
      b = { results: [], state: 'closed', openedAt: 0, probeStartedAt: 0, trips: 0 };
      this.breakers.set(channelId, b);
    }
    return b;
  }

  /** The state as of now (an open breaker whose cool-down is over reads as half-open). */
  state(channelId: number): BreakerState {
    const b = this.breakers.get(channelId);
    if (!b) return 'closed';
    if (b.state === 'open' && this.now() - b.openedAt >= this.settings.cooldownMs) b.state = 'half-open';
    return b.state;
  }

  trips(channelId: number): number {
    return this.breakers.get(channelId)?.trips ?? 0;
  }

  /** Whether a request may go to the channel now; half-open lets one probe through at a time. */
  allows(channelId: number): boolean {
    const state = this.state(channelId);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const b = this.get(channelId);
    return b.probeStartedAt === 0 || this.now() - b.probeStartedAt > PROBE_TIMEOUT_MS;
  }

  /** ms until an open breaker lets a probe through (0 when not open) */
  retryAfterMs(channelId: number): number {
    const b = this.breakers.get(channelId);
    if (!b || this.state(channelId) !== 'open') return 0;
    return Math.max(0, b.openedAt + this.settings.cooldownMs - this.now());
  }

  /** A request is about to be sent to the channel. */
  started(channelId: number): void {
    if (this.state(channelId) === 'half-open') this.get(channelId).probeStartedAt = this.now();
  }

  succeeded(channelId: number): void {
    const b = this.get(channelId);
    if (this.state(channelId) === 'half-open') {
      b.state = 'closed';
      b.results = [];
      b.probeStartedAt = 0;
    }
    this.push(b, true);
  }

  failed(channelId: number): void {
    const b = this.get(channelId);
    const state = this.state(channelId);
    if (state === 'half-open') return this.open(b);
    if (state === 'open') return;
    this.push(b, false);
    const failures = b.results.filter((ok) => !ok).length;
    if (
      b.results.length >= this.settings.minRequests &&
      failures * 100 >= this.settings.failureRatePercent * b.results.length
    )
      this.open(b);
  }

  /** Forget a channel (re-enabled or edited by an admin). */
  reset(channelId: number): void {
    this.breakers.delete(channelId);
  }

  snapshot(): Array<{ channelId: number; state: BreakerState; trips: number }> {
    return [...this.breakers.keys()].map((channelId) => ({
      channelId,
      state: this.state(channelId),
      trips: this.trips(channelId),
    }));
  }

  private push(b: ChannelBreaker, ok: boolean): void {
    b.results.push(ok);
    if (b.results.length > this.settings.window) b.results.splice(0, b.results.length - this.settings.window);
  }

  private open(b: ChannelBreaker): void {
    b.state = 'open';
    b.openedAt = this.now();
    b.probeStartedAt = 0;
    b.results = [];
    b.trips += 1;
  }
}
