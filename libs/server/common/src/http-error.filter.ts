import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

/** Which error shape a caller understands, decided by the path it called. */
export type ErrorDialect = 'envelope' | 'openai' | 'anthropic';

export function errorDialectFor(path: string): ErrorDialect {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  if (path.startsWith('/v1') || path.startsWith('/dashboard')) return 'openai';
  return 'envelope';
}

function messageOf(body: unknown, fallback: string): string {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b.message === 'string') return b.message;
    if (Array.isArray(b.message)) return b.message.join('; ');
    const err = b.error as Record<string, unknown> | undefined;
    if (err && typeof err.message === 'string') return err.message;
  }
  return fallback;
}

export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function anthropicErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** Last line of defence: any exception becomes the caller's own error shape with the right status. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: unknown = undefined;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = exception.getResponse();
    } else if (isBodyParserError(exception)) {
      status = exception.status;
      body =
        exception.type === 'entity.too.large' ? 'request body too large' : 'request body is not valid JSON';
    } else {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    let message =
      status >= 500 && !(exception instanceof HttpException)
        ? 'internal server error'
        : messageOf(body, 'error');
    if (status === 404 && /^Cannot [A-Z]+ /.test(message)) {
      // The router found no route: answer as One API does.
      message = `Invalid URL (${req.method} ${req.path})`;
      body = { success: false, message };
    }
    const dialect = errorDialectFor(req.path);
    if (dialect === 'envelope') {
      const envelope =
        body && typeof body === 'object' && 'success' in body ? body : { success: false, message };
      res.status(status).json(envelope);
    } else if (dialect === 'anthropic') {
      res.status(status).json({ type: 'error', error: { type: anthropicErrorType(status), message } });
    } else {
      const err = (body as { error?: Record<string, unknown> } | undefined)?.error;
      res.status(status).json({
        error:
          err && typeof err === 'object'
            ? err
            : { message, type: openAiErrorType(status), param: null, code: null },
      });
    }
  }
}

function isBodyParserError(e: unknown): e is { status: number; type: string } {
  return (
    !!e && typeof e === 'object' && typeof (e as { status?: unknown }).status === 'number' && 'type' in e
  );
}
