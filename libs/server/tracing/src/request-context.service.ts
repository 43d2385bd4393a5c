import { Injectable } from '@nestjs/common';
import type { Context, Span } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { newRequestId } from '@one-api/server-relay';
import { TracingService } from './tracing.service';

/** What every request carries in `res.locals` from the first middleware on. */
export interface RequestLocals {
  requestId: string;
  traceId: string;
  /** the HTTP server span (when tracing exports) and its context, parent of the relay spans */
  span?: Span;
  traceContext: Context;
}

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The first middleware of every request: a request id in One API's format (unique: logs and costs are keyed by it;
 * a caller's own X-Request-Id is only logged beside it),
 * a trace id and HTTP server span (W3C traceparent honoured), one structured access-log line when the response
 * ends, and the count of requests in flight that graceful shutdown waits for.
 */
@Injectable()
export class RequestContextService {
  private active = 0;
  private finished = 0;
  private idleWaiters: Array<() => void> = [];
  private pino?: Logger;
  /** set when shutdown began: responses close their connection instead of keeping it alive */
  draining = false;

  constructor(private readonly tracing: TracingService) {}

  useLogger(logger: Logger): void {
    this.pino = logger;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Requests finished since boot. */
  get completed(): number {
    return this.finished;
  }

  /** Resolves when no request is in flight, or after `timeoutMs` (false then). */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const started = performance.now();
      const given = req.headers['x-request-id'];
      const clientRequestId = typeof given === 'string' && CLIENT_ID.test(given) ? given : undefined;
      const requestId = newRequestId();
      const parent = this.tracing.extract(req.headers);
      const span = this.tracing.startSpan(
        `${req.method} ${req.path.startsWith('/v1') ? req.path : 'http'}`,
        parent,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': req.method, 'url.path': req.path, 'request.id': requestId },
        },
      );
      const locals: RequestLocals = {
        requestId,
        traceId: this.tracing.traceIdOf(span, parent),
        span,
        traceContext: this.tracing.contextWith(span, parent),
      };
      Object.assign(res.locals, locals);
      res.setHeader('X-Request-Id', requestId);
      if (this.draining) res.setHeader('Connection', 'close');
      this.active++;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.active--;
        this.finished++;
        const route = (req.route as { path?: string } | undefined)?.path;
        if (span) {
          span.setAttribute('http.response.status_code', res.statusCode);
          if (route) {
            span.setAttribute('http.route', `${req.baseUrl ?? ''}${route}`);
            span.updateName(`${req.method} ${req.baseUrl ?? ''}${route}`);
          }
          if (res.statusCode >= 500) TracingService.fail(span, `HTTP ${res.statusCode}`);
          span.end();
        }
        this.pino?.info(
          {
            req_id: requestId,
            ...(clientRequestId ? { client_req_id: clientRequestId } : {}),
            trace_id: locals.traceId,
            method: req.method,
            url: req.originalUrl,
            status: res.statusCode,
            ms: Math.round(performance.now() - started),
            ip: req.ip,
            aborted: !res.writableFinished,
          },
          'request',
        );
        if (this.active === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      };
      res.once('finish', finish);
      res.once('close', finish);
      next();
    };
  }
}
