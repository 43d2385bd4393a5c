import type { FakeExchange } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import { audioTextHandler, handleSpeech } from './audio';
import { handleChatCompletions } from './chat';
import { handleCompletions } from './completions';
import { handleEmbeddings } from './embeddings';
import {
  invalidApiKey,
  invalidJson,
  invalidUrl,
  missingApiKey,
  modelNotFound,
  openAIError,
  type OpenAIErrorResponse,
  statusFaultError,
} from './errors';
import { DEFAULT_FAKE_MODELS, modelListBody, modelObject } from './models';
import { handleImageEdits, handleImageGenerations } from './images';
import { handleModerations } from './moderations';
import { isMultipartRequest } from './multipart-form';
import { handleRerank } from './rerank';
import { handleResponses, handleStoredResponse, responsesMessages, type ResponsesStore } from './responses';
import { chatPromptTokens, inputTokens } from './usage';

export interface FakeOpenAIOptions extends FakeServerOptions {
  /** The only bearer key accepted; default: any non-empty key. */
  apiKey?: string;
  /** Models listed by GET /v1/models (and known to GET /v1/models/:id). */
  models?: readonly string[];
}

type Send = (e: OpenAIErrorResponse) => Promise<void>;
type Handler = (ex: FakeExchange, send: Send) => Promise<void>;

function sender(ex: FakeExchange): Send {
  return (e) => ex.json(e.status, e.body, e.headers);
}

function bearerKey(ex: FakeExchange): string | undefined {
  const header = ex.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return m ? m[1].trim() : undefined;
}

/** The request's model and prompt size, for fault messages. */
function promptInfo(body: unknown): { model: string; promptTokens: number } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const model = typeof b.model === 'string' ? b.model : 'gpt-4o';
  if (Array.isArray(b.messages)) return { model, promptTokens: chatPromptTokens(b) };
  if (Array.isArray(b.input) && b.input.some((item) => typeof item === 'object' && item !== null)) {
    return { model, promptTokens: chatPromptTokens({ messages: responsesMessages(b) }) };
  }
  return { model, promptTokens: inputTokens(b.prompt ?? b.input ?? '') };
}

/** OpenAI's wire protocol on top of the generic fake server. */
export function openAIProtocol(opts: FakeOpenAIOptions = {}): FakeProtocol {
  const models = opts.models ?? DEFAULT_FAKE_MODELS;
  const stored: ResponsesStore = new Map();
  const routes: Record<string, Handler> = {
    'POST /v1/responses': (ex, send) => handleResponses(ex, send, stored),
    'POST /v1/chat/completions': handleChatCompletions,
    'POST /v1/completions': handleCompletions,
    'POST /v1/embeddings': handleEmbeddings,
    'POST /v1/moderations': handleModerations,
    'POST /v1/images/generations': handleImageGenerations,
    'POST /v1/images/edits': handleImageEdits,
    'POST /v1/audio/speech': handleSpeech,
    'POST /v1/audio/transcriptions': audioTextHandler('transcribe'),
    'POST /v1/audio/translations': audioTextHandler('translate'),
    'POST /v1/rerank': handleRerank,
    'POST /v2/rerank': handleRerank,
    'GET /v1/models': (ex) => ex.json(200, modelListBody(models)),
  };
  const storedResponse: Handler = (ex, send) => handleStoredResponse(ex, send, stored);
  const retrieveModel: Handler = (ex, send) => {
    const id = decodeURIComponent(ex.path.slice('/v1/models/'.length));
    return models.includes(id) ? ex.json(200, modelObject(id)) : send(modelNotFound(id));
  };

  return {
    async handle(ex) {
      const send = sender(ex);
      const route =
        routes[`${ex.method} ${ex.path}`] ??
        (ex.method === 'GET' && ex.path.startsWith('/v1/models/') && ex.path.length > '/v1/models/'.length
          ? retrieveModel
          : undefined) ??
        ((ex.method === 'GET' || ex.method === 'DELETE') && /^\/v1\/responses\/[^/]+$/.test(ex.path)
          ? storedResponse
          : undefined);
      if (!route) return send(invalidUrl(ex.method, ex.path));
      const key = bearerKey(ex);
      if (key === undefined) return send(missingApiKey());
      if (opts.apiKey !== undefined && key !== opts.apiKey) return send(invalidApiKey(key));
      if (!ex.bodyIsJson && !isMultipartRequest(ex.headers)) return send(invalidJson());
      return route(ex, send);
    },
    statusFault(ex, status, retryAfterSeconds) {
      return sender(ex)(statusFaultError(status, { ...promptInfo(ex.body), retryAfterSeconds }));
    },
    error(ex, status, message) {
      return sender(ex)(
        openAIError(status, message, status >= 500 ? 'server_error' : 'invalid_request_error'),
      );
    },
  };
}

/**
 * Starts a fake OpenAI on 127.0.0.1 (a free port unless `port` is given) speaking OpenAI's wire format:
 * POST /v1/chat/completions, /v1/responses, /v1/completions, /v1/embeddings, /v1/moderations,
 * /v1/images/generations, /v1/images/edits (multipart), /v1/audio/speech (streamed bytes),
 * /v1/audio/transcriptions and /translations (multipart), /v1/rerank and /v2/rerank (Jina / Cohere shape); GET /v1/models,
 * /v1/models/:id; GET and DELETE /v1/responses/:id (responses created with `store` not false).
 * Faults: `setFault`, `failNext`, or the URL prefix `/_fault/<spec>/v1/...` (see core/faults).
 */
export function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeProvider> {
  return startFakeServer(openAIProtocol(opts), opts);
}
