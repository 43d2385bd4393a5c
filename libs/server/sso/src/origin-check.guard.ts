import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { forbidden } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { OptionsService } from '@one-api/server-options';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/**
 * CSRF defence for cookie-authenticated writes on /api (on top of the SameSite=Lax session cookie): a state-changing
 * request sent by a browser (it has an Origin or Referer header) must come from this site — the request's own origin,
 * ServerAddress, or FRONTEND_BASE_URL. Callers with an `Authorization` header (access tokens, scripts) and
 * clients that send neither header are not browsers acting on a cookie and pass.
 */
@Injectable()
export class OriginCheckGuard implements CanActivate {
  constructor(
    private readonly options: OptionsService,
    private readonly config: AppConfig,
  ) {}

  trustedOrigins(req: Request): Set<string> {
    const trusted = new Set<string>();
    const host = req.get('host');
    if (host) trusted.add(`${req.protocol}://${host}`.toLowerCase());
    for (const url of [this.options.get('ServerAddress'), this.config.frontendBaseUrl]) {
      const origin = originOf(url.trim());
      if (origin) trusted.add(origin.toLowerCase());
    }
    return trusted;
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method) || !req.path.startsWith('/api/')) return true;
    if (req.headers.authorization) return true;
    const origin = req.get('origin');
    const claimed = origin !== undefined ? origin : req.get('referer');
    if (claimed === undefined) return true;
    const claimedOrigin = originOf(claimed);
    if (!claimedOrigin || !this.trustedOrigins(req).has(claimedOrigin.toLowerCase())) {
      throw forbidden('Cross-site request refused: the Origin of this request is not this site');
    }
    return true;
  }
}
