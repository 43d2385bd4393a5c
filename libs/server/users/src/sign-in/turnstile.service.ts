import { CanActivate, ExecutionContext, HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { OptionsService } from '@one-api/server-options';

export const TURNSTILE_REQUIRED = 'turnstile_required';

/** Cloudflare Turnstile: when TurnstileCheckEnabled, a token from the widget is verified at TURNSTILE_VERIFY_URL. */
@Injectable()
export class TurnstileService {
  private readonly logger = new Logger('Turnstile');

  constructor(
    private readonly options: OptionsService,
    private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.options.getBool('TurnstileCheckEnabled');
  }

  /** Throws 403 with `data.turnstile_required` unless the token verifies (a no-op while Turnstile is off). */
  async assertHuman(token: unknown, remoteIp: string | undefined): Promise<void> {
    if (!this.enabled) return;
    if (typeof token !== 'string' || token.trim() === '') {
      throw new ApiError('Turnstile token is required: pass it as ?turnstile=', HttpStatus.FORBIDDEN, {
        [TURNSTILE_REQUIRED]: true,
      });
    }
    const body = new URLSearchParams({ secret: this.options.get('TurnstileSecretKey'), response: token });
    if (remoteIp) body.set('remoteip', remoteIp);
    let passed = false;
    try {
      const res = await fetch(this.config.turnstileVerifyUrl, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const json = (await res.json()) as { success?: unknown };
      passed = res.ok && json.success === true;
    } catch (error) {
      this.logger.warn(`Turnstile verification failed: ${(error as Error).message}`);
      throw new ApiError('Turnstile verification is unavailable, try again later', HttpStatus.BAD_GATEWAY);
    }
    if (!passed) {
      throw new ApiError('Turnstile verification failed', HttpStatus.FORBIDDEN, {
        [TURNSTILE_REQUIRED]: true,
      });
    }
  }
}

/** Route guard: `?turnstile=<token>` must verify when TurnstileCheckEnabled (register, verification, reset). */
@Injectable()
export class TurnstileGuard implements CanActivate {
  constructor(private readonly turnstile: TurnstileService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    await this.turnstile.assertHuman(req.query.turnstile, req.ip);
    return true;
  }
}
