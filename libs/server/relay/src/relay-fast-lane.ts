import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ENDPOINTS, RelayEndpoint } from './relay-endpoints';
import type { RelayService } from './relay.service';

/** The relayed POST routes, by exact path (the same set RelayController declares). */
const FAST_ROUTES: ReadonlyMap<string, RelayEndpoint> = new Map<string, RelayEndpoint>(
  [
    ENDPOINTS.chat,
    ENDPOINTS.responses,
    ENDPOINTS.messages,
    ENDPOINTS.completions,
    ENDPOINTS.embeddings,
    ENDPOINTS.moderations,
  ].map((endpoint) => [endpoint.path, endpoint]),
);

/**
 * Hands the hot relay routes straight to RelayService, after the app-wide middleware (request context, metrics,
 * rate limits, body parsing) but before Nest's router. The relay authenticates, answers and reports errors itself,
 * so Nest's per-request guard/interceptor/pipe machinery only cost CPU there (about a tenth of a relayed request in
 * the profile). RelayController still declares the same routes; it serves them when this lane is not installed.
 */
export function relayFastLane(relay: RelayService): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const endpoint = FAST_ROUTES.get(req.path);
    if (!endpoint) return next();
    res.locals.route = endpoint.path;
    relay.handle(req, res, endpoint).catch(next);
  };
}

/** Whether a path is one of the fast relay routes (middleware that only /api needs can skip these). */
export function isFastRelayPath(path: string): boolean {
  return FAST_ROUTES.has(path);
}
