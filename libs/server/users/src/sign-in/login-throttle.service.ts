import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';

interface Entry {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

const MAX_ENTRIES = 50_000;

/**
 * Failed sign-in attempts per key (client IP + username, or a user's TOTP checks). After LOGIN_MAX_FAILURES
 * failures within LOGIN_LOCKOUT_SECONDS the key is locked for LOGIN_LOCKOUT_SECONDS and answered 429.
 * Keyed by IP and name together so nobody can lock a victim out from elsewhere. Kept in process memory.
 */
@Injectable()
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly config: AppConfig) {}

  static key(ip: string | undefined, username: string): string {
    return `${ip ?? '?'}|${username.trim().toLowerCase()}`;
  }

  private get enabled(): boolean {
    return this.config.loginMaxFailures > 0;
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const windowMs = this.config.loginLockoutSeconds * 1000;
    if (entry.lockedUntil <= now && now - entry.firstAt > windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Throws 429 (with Retry-After seconds in `data`) while the key is locked. */
  assertAllowed(key: string, now = Date.now()): void {
    if (!this.enabled) return;
    const entry = this.live(key, now);
    if (entry && entry.lockedUntil > now) {
      const retryAfter = Math.ceil((entry.lockedUntil - now) / 1000);
      throw new ApiError(
        `Too many failed attempts; try again in ${retryAfter} seconds`,
        HttpStatus.TOO_MANY_REQUESTS,
        { retry_after: retryAfter },
      );
    }
  }

  /** Failures recorded for the key (within the window). */
  failures(key: string, now = Date.now()): number {
    return this.live(key, now)?.failures ?? 0;
  }

  recordFailure(key: string, now = Date.now()): void {
    if (!this.enabled) return;
    let entry = this.live(key, now);
    if (!entry) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      entry = { failures: 0, firstAt: now, lockedUntil: 0 };
      this.entries.set(key, entry);
    }
    entry.failures += 1;
    if (entry.failures >= this.config.loginMaxFailures) {
      entry.lockedUntil = now + this.config.loginLockoutSeconds * 1000;
    }
  }

  reset(key: string): void {
    this.entries.delete(key);
  }
}
