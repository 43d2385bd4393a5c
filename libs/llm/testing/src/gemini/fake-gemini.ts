import type { FakeExchange } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import {
  geminiStatusFaultError,
  type GoogleErrorResponse,
  googleError,
  invalidApiKey,
  invalidJson,
  missingApiKey,
  modelNotFound,
  notFoundRoute,
} from './errors';
import { generateContentBody, generateContentChunks, geminiResponseMeta } from './generate';
import { DEFAULT_GEMINI_MODELS, geminiModelList, geminiModelObject } from './models';
import { geminiReply } from './reply';
import { geminiPromptTokens } from './usage';
import { type ThoughtSignatureCheck, validateGenerateRequest } from './validate';
import { field, isJson, type Json } from './wire';

export interface FakeGeminiOptions extends FakeServerOptions {
  /** The only API key accepted (`x-goog-api-key` header or `?key=`); default: any non-empty key. */
  apiKey?: string;
  /** Models listed by GET /{version}/models (and known to GET /{version}/models/{id}). */
  models?: readonly string[];
  /**
   * `cachedContentTokenCount` to report: a number, or a function of the request body and model. Default: half the
   * prompt when the body names a `cachedContent`, else none.
   */
  cachedTokens?: number | ((body: Json, model: string) => number);
  /**
   * When function calls sent back without their thought signature are refused, as Gemini 3 does: `gemini-3`
   * (default: only for gemini-3+ models), `always`, or `never` (which also skips the corrupted-signature check).
   */
  thoughtSignatures?: ThoughtSignatureCheck;
}

type Send = (e: GoogleErrorResponse) => Promise<void>;

const ROUTE = /^\/(v\d+(?:alpha|beta)?\d*)\/((?:models|tunedModels)\/[^/:]+)(?::([A-Za-z]+))?$/;

function sender(ex: FakeExchange): Send {
  return (e) => ex.json(e.status, e.body, e.headers);
}

function apiKeyOf(ex: FakeExchange): string | undefined {
  const header = ex.headers['x-goog-api-key'];
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  const query = ex.query.get('key');
  return query !== null && query !== '' ? query : undefined;
}

function modelIdOf(resource: string): string {
  return decodeURIComponent(resource.slice(resource.indexOf('/') + 1));
}

function cachedTokensFor(opts: FakeGeminiOptions, body: Json, model: string): number {
  if (typeof opts.cachedTokens === 'function') return opts.cachedTokens(body, model);
  if (typeof opts.cachedTokens === 'number') return opts.cachedTokens;
  return field(body, 'cachedContent') !== undefined ? Math.floor(geminiPromptTokens(body).total / 2) : 0;
}

/** Gemini's wire protocol (generativelanguage.googleapis.com) on top of the generic fake server. */
export function geminiProtocol(opts: FakeGeminiOptions = {}): FakeProtocol {
  const models = opts.models ?? DEFAULT_GEMINI_MODELS;
  const signatures = opts.thoughtSignatures ?? 'gemini-3';

  async function generate(ex: FakeExchange, send: Send, model: string, stream: boolean) {
    const body = ex.body;
    if (!isJson(body))
      return send(googleError(400, '* GenerateContentRequest.contents: contents is not specified\n'));
    const invalid = validateGenerateRequest(body, model, signatures);
    if (invalid) return send(invalid);
    const request: Json = { ...body, model };
    const reply = geminiReply(request);
    const cached = cachedTokensFor(opts, body, model);
    const meta = geminiResponseMeta(model);
    if (!stream) return ex.json(200, generateContentBody(request, reply, meta, cached));
    const chunks = generateContentChunks(request, reply, meta, cached);
    if (ex.query.get('alt') === 'sse') return ex.sse(chunks.map((chunk) => JSON.stringify(chunk)));
    // Without alt=sse Google streams one JSON array of the chunks.
    return ex.json(200, chunks);
  }

  async function countTokens(ex: FakeExchange, send: Send) {
    const body = ex.body;
    const inner = field(body, 'generateContentRequest');
    const source = isJson(inner) ? inner : body;
    if (!isJson(source) || !Array.isArray(field(source, 'contents')))
      return send(googleError(400, '* CountTokensRequest.contents: contents is not specified\n'));
    const tokens = geminiPromptTokens(source);
    const details: Json[] = [{ modality: 'TEXT', tokenCount: tokens.text }];
    if (tokens.media > 0) details.push({ modality: 'IMAGE', tokenCount: tokens.media });
    return ex.json(200, { totalTokens: tokens.total, promptTokensDetails: details });
  }

  return {
    async handle(ex) {
      const send = sender(ex);
      const match = ROUTE.exec(ex.path);
      const list = /^\/(v\d+(?:alpha|beta)?\d*)\/models\/?$/.exec(ex.path);
      if (!match && !list) return send(notFoundRoute(ex.method, ex.path));
      const key = apiKeyOf(ex);
      if (key === undefined) return send(missingApiKey());
      if (opts.apiKey !== undefined && key !== opts.apiKey) return send(invalidApiKey());
      if (list) {
        if (ex.method !== 'GET') return send(notFoundRoute(ex.method, ex.path));
        const pageSize = Number(ex.query.get('pageSize') ?? '');
        return ex.json(
          200,
          geminiModelList(
            models,
            Number.isFinite(pageSize) ? pageSize : undefined,
            ex.query.get('pageToken') ?? undefined,
          ),
        );
      }
      const [, version, resource, method] = match as RegExpExecArray;
      const model = modelIdOf(resource);
      if (method === undefined) {
        if (ex.method !== 'GET') return send(notFoundRoute(ex.method, ex.path));
        return models.includes(model)
          ? ex.json(200, geminiModelObject(model))
          : send(modelNotFound(model, version, 'get'));
      }
      if (ex.method !== 'POST') return send(notFoundRoute(ex.method, ex.path));
      if (!ex.bodyIsJson) return send(invalidJson());
      switch (method) {
        case 'generateContent':
          return generate(ex, send, model, false);
        case 'streamGenerateContent':
          return generate(ex, send, model, true);
        case 'countTokens':
          return countTokens(ex, send);
        default:
          return send(notFoundRoute(ex.method, ex.path));
      }
    },
    statusFault(ex, status, retryAfterSeconds) {
      const match = ROUTE.exec(ex.path);
      const model = match ? modelIdOf(match[2]) : 'gemini-2.5-flash';
      return sender(ex)(
        geminiStatusFaultError(status, {
          model,
          promptTokens: geminiPromptTokens(ex.body).total,
          retryAfterSeconds,
        }),
      );
    },
    error(ex, status, message) {
      return sender(ex)(googleError(status, message));
    },
  };
}

/**
 * Starts a fake Gemini API on 127.0.0.1 (a free port unless `port` is given) speaking Google's wire format:
 * POST /{version}/models/{model}:generateContent, :streamGenerateContent (`?alt=sse` → SSE, else one JSON array),
 * :countTokens; GET /{version}/models, /{version}/models/{model}. Key: `x-goog-api-key` or `?key=`.
 * Faults: `setFault`, `failNext`, or the URL prefix `/_fault/<spec>/v1beta/...` (see core/faults).
 */
export function startFakeGemini(opts: FakeGeminiOptions = {}): Promise<FakeProvider> {
  return startFakeServer(geminiProtocol(opts), opts);
}
