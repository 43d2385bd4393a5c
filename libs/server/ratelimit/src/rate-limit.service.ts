import { createHash } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '@one-api/server-config';
import { MetricsService } from '@one-api/server-metrics';
import { SharedCounters } from '@one-api/server-redis';

export type Limiter = 'api' | 'web' | 'relay' | 'critical';

const WINDOW_MS: Record<Limiter, number> = {
  api: 180_000,
  web: 180_000,
  relay: 180_000,
  critical: 1_200_000,
};

/** Routes under the critical limit (sign-in, sign-up, password reset, verification codes, OAuth callbacks). */
const CRITICAL = [
  /^\/api\/user\/login$/,
  /^\/api\/user\/register$/,
  /^\/api\/user\/reset$/,
  /^\/api\/reset_password$/,
  /^\/api\/verification$/,
  /^\/api\/oauth\//,
];

const RELAY_PREFIXES = ['/v1/', '/dashboard/'];

export interface LimitDecision {
  allowed: boolean;
  limit: number;
  count: number;
  retryAfterSeconds: number;
}

/** The API key a relay request carries (Bearer, x-api-key, api-key), without looking it up. */
function relayKey(req: Request): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.trim()) return auth.trim().replace(/^Bearer\s+/i, '');
  const x = req.headers['x-api-key'] ?? req.headers['api-key'];
  return typeof x === 'string' && x.trim() ? x.trim() : undefined;
}

/**
 * One API's rate limits: GLOBAL_API_RATE_LIMIT and GLOBAL_WEB_RATE_LIMIT per client IP per 3 minutes,
 * GLOBAL_RELAY_RATE_LIMIT per API key (hashed) per 3 minutes, CRITICAL_RATE_LIMIT per IP per 20 minutes on sign-in
 * and password routes. Counters live in Redis when it is up (all replicas share them) and in memory otherwise.
 * Over the limit: HTTP 429 with Retry-After, in the caller's error format.
 */
@Injectable()
export class RateLimitService {
  constructor(
    private readonly config: AppConfig,
    private readonly counters: SharedCounters,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  limitOf(limiter: Limiter): number {
    switch (limiter) {
      case 'api':
        return this.config.globalApiRateLimit;
      case 'web':
        return this.config.globalWebRateLimit;
      case 'relay':
        return this.config.globalRelayRateLimit;
      case 'critical':
        return this.config.criticalRateLimit;
    }
  }

  async check(limiter: Limiter, subject: string): Promise<LimitDecision> {
    const limit = this.limitOf(limiter);
    if (this.config.rateLimitDisabled || limit <= 0)
      return { allowed: true, limit, count: 0, retryAfterSeconds: 0 };
    const hit = await this.counters.hit(`${limiter}:${subject}`, WINDOW_MS[limiter]);
    const allowed = hit.count <= limit;
    if (!allowed) this.metrics?.rateLimited(limiter);
    return {
      allowed,
      limit,
      count: hit.count,
      retryAfterSeconds: Math.max(1, Math.ceil(hit.resetMs / 1000)),
    };
  }

  private readonly digests = new Map<string, string>();

  /** The hashed key the relay counter is kept under (cached: the same few keys arrive on every request). */
  private keyDigest(key: string): string {
    let digest = this.digests.get(key);
    if (digest === undefined) {
      if (this.digests.size >= 10_000) this.digests.clear();
      digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
      this.digests.set(key, digest);
    }
    return digest;
  }

  /** Which limits apply to a request, most specific last. */
  private limitersFor(req: Request): Array<[Limiter, string]> {
    const path = req.path;
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    if (path === '/metrics') return [];
    if (RELAY_PREFIXES.some((p) => path.startsWith(p))) {
      const key = relayKey(req);
      return key ? [['relay', this.keyDigest(key)]] : [];
    }
    if (path === '/api' || path.startsWith('/api/')) {
      const list: Array<[Limiter, string]> = [['api', ip]];
      if (CRITICAL.some((re) => re.test(path))) list.push(['critical', ip]);
      return list;
    }
    return [['web', ip]];
  }

  /** Express middleware placed before every route (and before the admin app's static files). */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (this.config.rateLimitDisabled) return next();
      void (async () => {
        for (const [limiter, subject] of this.limitersFor(req)) {
          const decision = await this.check(limiter, subject);
          if (!decision.allowed) return this.refuse(req, res, limiter, decision);
        }
        next();
      })().catch(next);
    };
  }

  private refuse(req: Request, res: Response, limiter: Limiter, decision: LimitDecision): void {
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    res.status(429);
    const message = `Too many requests: the limit is ${decision.limit} per ${WINDOW_MS[limiter] / 60_000} minutes, try again in ${decision.retryAfterSeconds} s`;
    if (limiter === 'relay') {
      const anthropic = req.path.startsWith('/v1/messages');
      res.json(
        anthropic
          ? { type: 'error', error: { type: 'rate_limit_error', message } }
          : { error: { message, type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } },
      );
    } else if (limiter === 'web') {
      res.end();
    } else {
      res.json({ success: false, message });
    }
  }
}
