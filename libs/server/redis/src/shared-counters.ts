import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { RedisService } from './redis.service';

export interface CounterHit {
  /** hits in the current window, this one included */
  count: number;
  /** milliseconds until the window resets */
  resetMs: number;
  /** where the count lives */
  shared: boolean;
}

// INCR, and start the window's expiry on its first hit; returns the count and the time left.
const HIT_SCRIPT = `
local c = redis.call('INCR', KEYS[1])
local t = redis.call('PTTL', KEYS[1])
if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {c, t}`;

const PEEK_SCRIPT = `
local c = redis.call('GET', KEYS[1])
if not c then return {0, 0} end
return {tonumber(c), redis.call('PTTL', KEYS[1])}`;

/**
 * Fixed-window counters (rate limits): in Redis when it is up, so every replica counts together; in this process's
 * memory while Redis is not configured or unreachable.
 */
@Injectable()
export class SharedCounters implements OnModuleDestroy {
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly redis: RedisService) {
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [key, entry] of this.local) if (entry.resetAt <= now) this.local.delete(key);
    }, 30_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  async hit(key: string, windowMs: number): Promise<CounterHit> {
    const shared = await this.redis.attempt(
      (r) => r.eval(HIT_SCRIPT, 1, this.redis.key(`rl:${key}`), windowMs) as Promise<[number, number]>,
    );
    if (shared) return { count: Number(shared[0]), resetMs: Number(shared[1]), shared: true };
    const now = Date.now();
    let entry = this.local.get(key);
    if (!entry || entry.resetAt <= now) this.local.set(key, (entry = { count: 0, resetAt: now + windowMs }));
    entry.count += 1;
    return { count: entry.count, resetMs: entry.resetAt - now, shared: false };
  }

  /** The current count without adding a hit. */
  async peek(key: string): Promise<CounterHit> {
    const shared = await this.redis.attempt(
      (r) => r.eval(PEEK_SCRIPT, 1, this.redis.key(`rl:${key}`)) as Promise<[number, number]>,
    );
    if (shared) return { count: Number(shared[0]), resetMs: Math.max(0, Number(shared[1])), shared: true };
    const entry = this.local.get(key);
    const now = Date.now();
    if (!entry || entry.resetAt <= now) return { count: 0, resetMs: 0, shared: false };
    return { count: entry.count, resetMs: entry.resetAt - now, shared: false };
  }
}
