import type { FakeExchange } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import {
  anthropicError,
  type AnthropicErrorResponse,
  anthropicStatusFaultError,
  invalidApiKey,
  invalidJson,
  missingApiKey,
  missingVersion,
  modelNotFound,
  notFound,
} from './errors';
import { handleCountTokens, handleMessages } from './messages';
import { anthropicModelList, anthropicModelObject, DEFAULT_ANTHROPIC_MODELS } from './models';
import type { MessagesRequest } from './types';
import { anthropicPromptTokens } from './usage';

export interface FakeAnthropicOptions extends FakeServerOptions {
  /** The only key accepted (`x-api-key`, or `Authorization: Bearer` as the SDK sends it); default: any non-empty key. */
  apiKey?: string;
  /** Models listed by GET /v1/models (and known to GET /v1/models/:id). */
  models?: readonly string[];
}

type Send = (e: AnthropicErrorResponse) => Promise<void>;
type Handler = (ex: FakeExchange, send: Send) => Promise<void>;

function sender(ex: FakeExchange): Send {
  return (e) =>
    ex.json(e.status, { ...e.body, request_id: ex.requestId }, { 'request-id': ex.requestId, ...e.headers });
}

function header(ex: FakeExchange, name: string): string | undefined {
  const value = ex.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
}

/** The key of `x-api-key`, or of `Authorization: Bearer` (what the official SDK sends). */
function apiKeyOf(ex: FakeExchange): string | undefined {
  const key = header(ex, 'x-api-key');
  if (key !== undefined) return key;
  const m = /^Bearer\s+(.+)$/i.exec(header(ex, 'authorization') ?? '');
  return m ? m[1].trim() : undefined;
}

function inputTokensOf(body: unknown): number {
  return typeof body === 'object' && body !== null ? anthropicPromptTokens(body as MessagesRequest).total : 0;
}

/** Anthropic's wire protocol (api.anthropic.com) on top of the generic fake server. */
export function anthropicProtocol(opts: FakeAnthropicOptions = {}): FakeProtocol {
  const models = opts.models ?? DEFAULT_ANTHROPIC_MODELS;
  const routes: Record<string, Handler> = {
    'POST /v1/messages': handleMessages,
    'POST /v1/messages/count_tokens': handleCountTokens,
    'GET /v1/models': (ex) => ex.json(200, anthropicModelList(models), { 'request-id': ex.requestId }),
  };
  const retrieveModel: Handler = (ex, send) => {
    const id = decodeURIComponent(ex.path.slice('/v1/models/'.length));
    return models.includes(id) ? ex.json(200, anthropicModelObject(id)) : send(modelNotFound(id));
  };
  return {
    async handle(ex) {
      const send = sender(ex);
      const route =
        routes[`${ex.method} ${ex.path}`] ??
        (ex.method === 'GET' && ex.path.startsWith('/v1/models/') && ex.path.length > '/v1/models/'.length
          ? retrieveModel
          : undefined);
      if (!route) return send(notFound());
      const key = apiKeyOf(ex);
      if (key === undefined) return send(missingApiKey());
      if (opts.apiKey !== undefined && key !== opts.apiKey) return send(invalidApiKey());
      if (header(ex, 'anthropic-version') === undefined) return send(missingVersion());
      if (!ex.bodyIsJson) return send(invalidJson());
      return route(ex, send);
    },
    statusFault(ex, status, retryAfterSeconds) {
      return sender(ex)(
        anthropicStatusFaultError(status, { inputTokens: inputTokensOf(ex.body), retryAfterSeconds }),
      );
    },
    error(ex, status, message) {
      return sender(ex)(
        anthropicError(status, status >= 500 ? 'api_error' : 'invalid_request_error', message),
      );
    },
  };
}

/**
 * Starts a fake Anthropic on 127.0.0.1 (a free port unless `port` is given) speaking the Messages wire format:
 * POST /v1/messages (JSON or SSE with `event:` lines), POST /v1/messages/count_tokens, GET /v1/models(/:id).
 * Channel base_url and the Anthropic SDK's baseURL are both `fake.url` (no /v1).
 * Faults: `setFault`, `failNext`, or the URL prefix `/_fault/<spec>/v1/...` (see core/faults) — `529` answers
 * `overloaded_error`.
 */
export function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeProvider> {
  return startFakeServer(anthropicProtocol(opts), opts);
}
