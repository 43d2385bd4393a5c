import { FAKE_PNG_BASE64 } from '../openai/images';
import type { FakeExchange } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import { anthropicError, type AnthropicErrorResponse } from '../anthropic/errors';
import { anthropicMessageMeta, messageBody, messageStreamFrames } from '../anthropic/messages';
import { messagesReply } from '../anthropic/reply';
import type { MessagesRequest } from '../anthropic/types';
import { validateMessagesRequest } from '../anthropic/validate';
import { googleError, type GoogleErrorResponse } from '../gemini/errors';
import { generateContentBody, generateContentChunks, geminiResponseMeta } from '../gemini/generate';
import { geminiReply } from '../gemini/reply';
import { geminiPromptTokens } from '../gemini/usage';
import { validateGenerateRequest } from '../gemini/validate';
import { isJson, type Json } from '../gemini/wire';
import { createTestServiceAccount, type TestServiceAccount } from './service-account';
import { FakeTokenIssuer } from './token-endpoint';

export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';
/** The path of the fake's OAuth token endpoint (the service account's `token_uri` points here). */
export const FAKE_VERTEX_TOKEN_PATH = '/token';

export interface FakeVertexOptions extends FakeServerOptions {
  /** The project the fake serves (and the service account's `project_id`); default `fake-vertex-project`. */
  projectId?: string;
  /** The only location accepted in model URLs; default: any. */
  location?: string;
}

/** A running fake Vertex AI with its own token endpoint and the service account it trusts. */
export interface FakeVertex extends FakeProvider {
  readonly projectId: string;
  /** `{url}/token`: the service account's `token_uri`. */
  readonly tokenUrl: string;
  /** The key file the fake trusts (generated when the fake started). */
  readonly serviceAccount: TestServiceAccount;
  /** Token exchanges answered successfully so far. */
  readonly tokenExchanges: number;
  /** `expires_in` of the tokens issued from now on (default 3599). */
  setTokenLifetime(seconds: number): void;
  /** Forgets every issued token and the exchange count. */
  resetTokens(): void;
}

const MODEL_ROUTE =
  /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)$/;

type AnyError = GoogleErrorResponse | AnthropicErrorResponse;

function send(ex: FakeExchange, e: AnyError): Promise<void> {
  return ex.json(e.status, e.body, e.headers);
}

const unauthenticated = (): GoogleErrorResponse =>
  googleError(
    401,
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid ' +
      'authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  );

function header(ex: FakeExchange, name: string): string | undefined {
  const value = ex.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function generate(ex: FakeExchange, model: string, stream: boolean): Promise<void> {
  const body = ex.body;
  if (!isJson(body))
    return send(ex, googleError(400, 'Unable to submit request because it has an empty contents field.'));
  const invalid = validateGenerateRequest(body, model, 'gemini-3');
  if (invalid) return send(ex, invalid);
  const request: Json = { ...body, model };
  const reply = geminiReply(request);
  const meta = geminiResponseMeta(model);
  if (!stream) return ex.json(200, generateContentBody(request, reply, meta, 0));
  const chunks = generateContentChunks(request, reply, meta, 0);
  if (ex.query.get('alt') === 'sse') return ex.sse(chunks.map((chunk) => JSON.stringify(chunk)));
  return ex.json(200, chunks);
}

/**
 * Imagen `:predict`: `{instances: [{prompt}], parameters: {sampleCount?, aspectRatio?}}` →
 * `{predictions: [{bytesBase64Encoded, mimeType}]}`, one per sample (a 1×1 PNG).
 */
async function imagenPredict(ex: FakeExchange): Promise<void> {
  const body = ex.body as Json;
  const instances = Array.isArray(body.instances) ? body.instances : [];
  const first = instances[0] as Json | undefined;
  if (!first || typeof first.prompt !== 'string' || first.prompt === '')
    return send(ex, googleError(400, 'Prompt is required in instances[0].prompt.'));
  const parameters = (body.parameters ?? {}) as Json;
  const count = parameters.sampleCount === undefined ? 1 : Number(parameters.sampleCount);
  if (!Number.isInteger(count) || count < 1 || count > 4)
    return send(ex, googleError(400, 'sampleCount must be between 1 and 4.'));
  return ex.json(200, {
    predictions: Array.from({ length: count }, () => ({
      bytesBase64Encoded: FAKE_PNG_BASE64,
      mimeType: 'image/png',
    })),
  });
}

async function rawPredict(ex: FakeExchange, model: string, stream: boolean): Promise<void> {
  const body = ex.body;
  if (!isJson(body))
    return send(ex, anthropicError(400, 'invalid_request_error', 'The request body must be a JSON object'));
  // Vertex takes the Messages API version in the body and the model from the URL only
  if (body.anthropic_version !== VERTEX_ANTHROPIC_VERSION)
    return send(
      ex,
      anthropicError(400, 'invalid_request_error', "anthropic_version: Input should be 'vertex-2023-10-16'"),
    );
  if ('model' in body)
    return send(ex, anthropicError(400, 'invalid_request_error', 'model: Extra inputs are not permitted'));
  if ((body.stream === true) !== stream)
    return send(
      ex,
      anthropicError(
        400,
        'invalid_request_error',
        `stream: must be ${stream} for :${stream ? 'streamRawPredict' : 'rawPredict'}`,
      ),
    );
  const { anthropic_version: _version, ...rest } = body;
  const req = { ...rest, model } as MessagesRequest;
  const invalid = validateMessagesRequest(req);
  if (invalid) return send(ex, invalid);
  const reply = messagesReply(req);
  const meta = anthropicMessageMeta(model.replace('@', '-'));
  if (stream) return ex.sse(messageStreamFrames(req, reply, meta));
  return ex.json(200, messageBody(req, reply, meta));
}

function vertexProtocol(state: {
  issuer: FakeTokenIssuer;
  projectId: string;
  location?: string;
}): FakeProtocol {
  return {
    async handle(ex) {
      if (ex.path === FAKE_VERTEX_TOKEN_PATH && ex.method === 'POST') {
        const answer = state.issuer.handle(header(ex, 'content-type'), ex.rawBody);
        return ex.json(answer.status, answer.body);
      }
      const match = MODEL_ROUTE.exec(ex.path);
      if (!match || ex.method !== 'POST')
        return send(ex, googleError(404, `The requested URL ${ex.path} was not found on this server.`));
      if (!state.issuer.accepts(header(ex, 'authorization'))) return send(ex, unauthenticated());
      const [, project, location, publisher, rawModel, method] = match;
      const model = decodeURIComponent(rawModel);
      if (decodeURIComponent(project) !== state.projectId || (state.location && location !== state.location))
        return send(
          ex,
          googleError(
            403,
            `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${project}/locations/${location}/publishers/${publisher}/models/${model}' (or it may not exist).`,
          ),
        );
      if (!ex.bodyIsJson) return send(ex, googleError(400, 'Invalid JSON payload received.'));
      if (publisher === 'google' && (method === 'generateContent' || method === 'streamGenerateContent'))
        return generate(ex, model, method === 'streamGenerateContent');
      if (publisher === 'google' && method === 'predict' && /^imagen/i.test(model)) return imagenPredict(ex);
      if (publisher === 'anthropic' && (method === 'rawPredict' || method === 'streamRawPredict'))
        return rawPredict(ex, model, method === 'streamRawPredict');
      return send(
        ex,
        googleError(400, `Method ${method} is not supported for publisher model ${publisher}/${model}.`),
      );
    },
    statusFault(ex, status, retryAfterSeconds) {
      const message =
        status === 429
          ? 'Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.'
          : status === 400
            ? `The input token count (${geminiPromptTokens(ex.body).total + 1_048_576}) exceeds the maximum number of tokens allowed (1048576).`
            : `Fault ${status} injected by the fake Vertex AI.`;
      const e = googleError(status, message);
      if (retryAfterSeconds !== undefined) e.headers = { 'retry-after': String(retryAfterSeconds) };
      return send(ex, e);
    },
    error(ex, status, message) {
      return send(ex, googleError(status, message));
    },
  };
}

/**
 * Starts a fake Vertex AI on 127.0.0.1: an OAuth token endpoint at `/token` (JWT bearer grant, RS256 assertion
 * checked against the generated service account's public key, `aud` = its own URL, the cloud-platform scope), and
 * `POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent|streamGenerateContent` (Gemini
 * answers) and `.../publishers/anthropic/models/{m}:rawPredict|streamRawPredict` (Claude answers; the body must carry
 * `anthropic_version: "vertex-2023-10-16"` and no `model`), each only with a bearer token it issued. A channel's base
 * URL is `fake.url`; its service account is `fake.serviceAccount.text`. Faults as in the other fakes.
 */
export async function startFakeVertex(opts: FakeVertexOptions = {}): Promise<FakeVertex> {
  const projectId = opts.projectId ?? 'fake-vertex-project';
  // the service account's token_uri is the fake's own URL, known only once it listens
  const trusted: { account?: TestServiceAccount; tokenUrl: string } = { tokenUrl: '' };
  const issuer = new FakeTokenIssuer(() =>
    trusted.account
      ? {
          clientEmail: trusted.account.json.client_email,
          privateKeyId: trusted.account.json.private_key_id,
          publicKey: trusted.account.publicKey,
          tokenUrl: trusted.tokenUrl,
        }
      : undefined,
  );
  const server = await startFakeServer(vertexProtocol({ issuer, projectId, location: opts.location }), opts);
  const tokenUrl = `${server.url}${FAKE_VERTEX_TOKEN_PATH}`;
  const serviceAccount = createTestServiceAccount({ tokenUri: tokenUrl, projectId });
  trusted.tokenUrl = tokenUrl;
  trusted.account = serviceAccount;
  // defineProperties, not Object.assign: the exchange count must stay a live getter
  return Object.defineProperties(server, {
    projectId: { value: projectId, enumerable: true },
    tokenUrl: { value: tokenUrl, enumerable: true },
    serviceAccount: { value: serviceAccount, enumerable: true },
    tokenExchanges: { get: () => issuer.exchanges, enumerable: true },
    setTokenLifetime: {
      value: (seconds: number) => {
        issuer.lifetimeSeconds = seconds;
      },
    },
    resetTokens: { value: () => issuer.reset() },
  }) as FakeVertex;
}
