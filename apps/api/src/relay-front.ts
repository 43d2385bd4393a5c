import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type ArgumentsHost, BadRequestException } from '@nestjs/common';
import type { Application, NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpErrorFilter } from '@one-api/server-common';
import { isFastRelayPath } from '@one-api/server-relay';

export interface RelayFrontOptions {
  /** The Express app Nest runs on: its request/response prototypes and settings (trust proxy, query parser). */
  express: Application & { request: object; response: object };
  /** The app-wide middleware every request passes (request context, metrics, rate limits), in order. */
  before: RequestHandler[];
  /** Largest accepted body, in bytes (as `express.json({ limit })`). */
  bodyLimitBytes: number;
  /** Refuses bodies whose JSON nests deeper than this (checked on the raw bytes before parsing). */
  jsonTooDeep?: (raw: Buffer) => string | undefined;
  /** The relay lane (answers the request itself). */
  lane: RequestHandler;
}

type BodyError = Error & { status: number; type: string };

function bodyError(status: number, type: string, message: string): BodyError {
  return Object.assign(new Error(message), { status, type });
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The hot relay routes (POST /v1/chat/completions, /v1/responses, /v1/messages, ...) served in front of Express's
 * router: the same app-wide middleware run in the same order, the body read once into a Buffer (kept for byte-for-byte
 * passthrough) and parsed as express.json would, then the relay. Everything else — and relay requests with a
 * compressed body — goes to Express unchanged. Saves the router's per-layer matching and body-parser's plumbing on
 * every relayed request.
 */
export function installRelayFront(server: Server, options: RelayFrontOptions): void {
  const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (listeners.length !== 1) return; // not the plain Nest/Express setup: leave it alone
  const expressHandler = listeners[0];
  server.removeListener('request', expressHandler);
  const filter = new HttpErrorFilter();
  const chain = [...options.before, readJsonBody(options), options.lane];

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || !isFastRelayPath(pathOf(req.url)) || hasContentEncoding(req)) {
      expressHandler(req, res);
      return;
    }
    const request = req as Request;
    const response = res as Response;
    request.res = response;
    response.req = request;
    Object.setPrototypeOf(req, options.express.request);
    Object.setPrototypeOf(res, options.express.response);
    response.locals ??= Object.create(null) as Record<string, unknown>;
    request.originalUrl = req.url ?? '/';
    request.baseUrl = '';
    request.params = {};

    let index = 0;
    const next: NextFunction = (error?: unknown) => {
      if (error !== undefined && error !== 'route' && error !== 'router') return fail(error);
      const handler = chain[index++];
      if (!handler) return;
      try {
        handler(request, response, next);
      } catch (thrown) {
        fail(thrown);
      }
    };
    const fail = (error: unknown) => {
      const host = {
        switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
      } as unknown as ArgumentsHost;
      filter.catch(error, host);
    };
    next();
  });
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function hasContentEncoding(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  return encoding !== undefined && encoding.toLowerCase() !== 'identity';
}

/** express.json's behaviour on these routes: JSON content types only, size limit, strict (object or array) JSON. */
function readJsonBody(options: RelayFrontOptions): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      req.resume();
      req.once('end', () => next());
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (declared > options.bodyLimitBytes) {
      req.resume();
      return next(bodyError(413, 'entity.too.large', 'request entity too large'));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > options.bodyLimitBytes) {
        failed = true;
        return next(bodyError(413, 'entity.too.large', 'request entity too large'));
      }
      chunks.push(chunk);
    });
    req.once('error', (error) => {
      if (failed) return;
      failed = true;
      next(bodyError(400, 'request.aborted', error.message));
    });
    req.once('end', () => {
      if (failed) return;
      const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      if (raw.length === 0) return next();
      const tooDeep = options.jsonTooDeep?.(raw);
      if (tooDeep) return next(new BadRequestException(tooDeep));
      const first = firstNonSpace(raw);
      if (first !== 0x7b && first !== 0x5b)
        return next(bodyError(400, 'entity.parse.failed', 'request body is not valid JSON'));
      try {
        req.body = JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        return next(bodyError(400, 'entity.parse.failed', 'request body is not valid JSON'));
      }
      (req as Request & { rawBody?: Buffer }).rawBody = raw;
      next();
    });
  };
}

function firstNonSpace(bytes: Buffer): number {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return byte;
  return -1;
}
