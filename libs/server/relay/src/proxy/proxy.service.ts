import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { Agent, request } from 'undici';
import { SettlementWriter } from '@one-api/server-billing';
import { RelayAuthService } from '../relay-auth.service';
import { RelayDirectory } from '../relay-directory.service';
import { RelayError, sendRelayError } from '../relay-error';
import { newRequestId } from '../request-id';
import { proxyRequestHeaders, proxyResponseHeaders } from './proxy-headers';

export const PROXY_CHANNEL_TYPE = 43;
const PREFIX = /^\/v1\/oneapi\/proxy\/(\d+)(\/.*)?$/;
const NO_BODY = new Set(['GET', 'HEAD']);

/** The upstream path and query after `/v1/oneapi/proxy/<id>`, exactly as the caller wrote them. */
export function proxyTarget(originalUrl: string): { channelId: number; target: string } | undefined {
  const q = originalUrl.indexOf('?');
  const path = q === -1 ? originalUrl : originalUrl.slice(0, q);
  const match = PREFIX.exec(path);
  if (!match) return undefined;
  return { channelId: Number(match[1]), target: (match[2] ?? '/') + (q === -1 ? '' : originalUrl.slice(q)) };
}

/**
 * The caller's body as a stream of its own: undici destroys the body it was given when done, and the caller's
 * request must outlive that (its socket still carries the answer).
 */
function uploadOf(req: Request): PassThrough {
  const upload = new PassThrough();
  req.pipe(upload);
  req.once('error', (error) => upload.destroy(error));
  return upload;
}

/**
 * Forwards one request through a Proxy channel: checks the caller's key (One API's TokenAuth), streams the body up
 * (the JSON parser's kept bytes when it already read a JSON body) and the answer down with backpressure, and writes
 * one consume log with quota 0.
 */
@Injectable()
export class ProxyService implements OnApplicationShutdown {
  private readonly logger = new Logger('Proxy');
  // Its own pool: proxied calls have no relay timeout semantics (uploads and long downloads pass through).
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });

  constructor(
    private readonly auth: RelayAuthService,
    private readonly directory: RelayDirectory,
    private readonly settlements: SettlementWriter,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  async forward(req: Request, res: Response): Promise<void> {
    const requestId = (res.locals.requestId as string | undefined) || newRequestId();
    res.setHeader('X-Oneapi-Request-Id', requestId);
    const startedAt = Date.now();
    let principal;
    let status = 0;
    let channelId: number | null = null;
    let note = '';
    try {
      principal = await this.auth.authenticate(req);
      const parsed = proxyTarget(req.originalUrl);
      if (!parsed) throw new RelayError(404, `Invalid URL (${req.method} ${req.originalUrl})`);
      const channel = await this.directory.channel(parsed.channelId);
      if (!channel || channel.type !== PROXY_CHANNEL_TYPE || channel.status !== 1)
        throw new RelayError(
          400,
          `channel #${parsed.channelId} is not an enabled Proxy channel`,
          'invalid_request_error',
          'invalid_channel',
        );
      channelId = channel.id;
      let base = (channel.baseUrl ?? '').trim();
      while (base.endsWith('/')) base = base.slice(0, -1);
      if (!base)
        throw new RelayError(
          400,
          `channel #${channel.id} has no base URL`,
          'invalid_request_error',
          'invalid_channel',
        );
      const raw = (req as Request & { rawBody?: Buffer }).rawBody;
      const abort = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) abort.abort();
      };
      res.once('close', onClose);
      try {
        const upstream = await request(base + parsed.target, {
          method: req.method as 'GET',
          headers: proxyRequestHeaders(req.headers, channel.key ?? ''),
          body: NO_BODY.has(req.method) ? undefined : (raw ?? uploadOf(req)),
          signal: abort.signal,
          dispatcher: this.agent,
        });
        status = upstream.statusCode;
        res.status(upstream.statusCode);
        for (const [name, value] of Object.entries(proxyResponseHeaders(upstream.headers)))
          res.setHeader(name, value);
        await pipeline(upstream.body, res);
      } finally {
        res.off('close', onClose);
      }
      note = `proxy ${req.method} ${parsed.target.split('?')[0]} → ${status}`;
    } catch (error) {
      note = `error: ${(error as Error).message}`;
      if (!res.headersSent) {
        if (error instanceof RelayError) sendRelayError(res, error);
        else {
          this.logger.warn(`request ${requestId}: ${(error as Error).message}`);
          res.status(502).json({
            error: {
              message: `proxy upstream failed (request id: ${requestId})`,
              type: 'one_api_error',
              param: null,
              code: 'proxy_failed',
            },
          });
        }
      } else if (!res.destroyed) res.destroy();
    } finally {
      if (principal) {
        this.settlements.enqueue({
          requestId,
          tokenId: principal.token.id,
          tokenName: principal.token.name,
          unlimitedToken: principal.token.unlimitedQuota,
          userId: principal.user.id,
          username: principal.user.username,
          channelId,
          reserved: 0,
          quota: 0,
          modelName: '',
          originModelName: '',
          promptTokens: 0,
          completionTokens: 0,
          elapsedMs: Date.now() - startedAt,
          isStream: false,
          systemPromptReset: false,
          content: note,
          holdRecorded: false,
          traceId: res.locals.traceId as string | undefined,
        });
      }
    }
  }
}
