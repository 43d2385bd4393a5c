import { randomBytes } from 'node:crypto';
import { chatReplyAs, textPieces } from '../core/chat-reply-as';
import type { FakeExchange, SseFrame } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import type { ChatMessage, ChatRequest, ChatTool } from '../openai/types';
import { estimateTokens } from '../openai/usage';

export interface FakeReplicateOptions extends FakeServerOptions {
  /** The only bearer token accepted; default: any non-empty token. */
  apiKey?: string;
  /** Polls (GET of the prediction) answered `starting` / `processing` before it succeeds. Default 1. */
  pollsBeforeDone?: number;
  /** Whether `Prefer: wait` makes the create call answer the finished prediction (as Replicate does). Default true. */
  preferWait?: boolean;
  /** Every prediction fails (a broken deployment), whatever the prompt. Default false. */
  failPredictions?: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A prompt containing this makes the prediction fail (as a model crash would). */
export const REPLICATE_FAIL_TRIGGER = '[fail]';
export const REPLICATE_FAILURE_MESSAGE = 'Prediction failed: CUDA error: out of memory';

/** Image models (flux and the like): their output is an array of image URLs, one per `num_outputs`. */
export function isReplicateImageModel(model: string): boolean {
  return /flux|imagen|image|sdxl|stable-diffusion/i.test(model);
}

/** The image URLs the fake returns for a prediction of an image model. */
export function replicateImageUrls(id: string, input: Obj): string[] {
  const n = typeof input.num_outputs === 'number' && input.num_outputs > 0 ? input.num_outputs : 1;
  const format = typeof input.output_format === 'string' ? input.output_format : 'webp';
  return Array.from({ length: n }, (_, i) => `https://replicate.delivery/fake/${id}/out-${i}.${format}`);
}

interface StoredPrediction {
  body: Obj;
  output: string[];
  failed: boolean;
  polls: number;
  streamed: boolean;
}

function section(text: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>\\s*([\\s\\S]*?)\\s*</${tag}>`).exec(text);
  return match ? match[1] : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * What the "model" reads from its inputs, as an OpenAI-shaped view for the shared reply rules: the last `User:` turn
 * (or the whole prompt), a last `Tool result (…)` turn, the tools of a `<tools>` block in the system prompt (forced by
 * `You must call the tool "x".`), the schema of a `<json_schema>` block. Like an instruct model following the
 * gateway's prompt-based tool protocol.
 */
export function replicateChatView(input: Obj): ChatRequest {
  const prompt = typeof input.prompt === 'string' ? input.prompt : '';
  const system = typeof input.system_prompt === 'string' ? input.system_prompt : '';
  const turns = prompt.endsWith('Assistant:')
    ? prompt.split(/\n\n(?=User: |Assistant: |Assistant:$|Tool result \()/)
    : [];
  const messages: ChatMessage[] = [];
  if (system !== '') messages.push({ role: 'system', content: system });
  if (turns.length === 0) messages.push({ role: 'user', content: prompt });
  for (const turn of turns) {
    if (turn.startsWith('User: ')) messages.push({ role: 'user', content: turn.slice(6) });
    else if (turn.startsWith('Tool result ('))
      messages.push({ role: 'tool', content: turn.replace(/^Tool result \([^)]*\): /, '') });
    else if (turn.startsWith('Assistant: ')) messages.push({ role: 'assistant', content: turn.slice(11) });
  }
  const declared = parseJson(section(system, 'tools'));
  const tools: ChatTool[] = Array.isArray(declared)
    ? declared.filter(isObj).map((t) => ({
        type: 'function',
        function: {
          name: String(t.name),
          description: t.description as string | undefined,
          parameters: t.parameters,
        },
      }))
    : [];
  const forced = /You must call the tool "([^"]+)"\./.exec(system)?.[1];
  const schema = parseJson(section(system, 'json_schema'));
  const maxTokens = typeof input.max_tokens === 'number' ? input.max_tokens : input.max_new_tokens;
  return {
    messages,
    tools,
    tool_choice: forced
      ? { type: 'function', function: { name: forced } }
      : /You must call one of the tools\./.test(system)
        ? 'required'
        : 'auto',
    response_format:
      schema !== undefined
        ? { type: 'json_schema', json_schema: { name: 'schema', schema } }
        : /Reply with only a JSON object/.test(system)
          ? { type: 'json_object' }
          : undefined,
    max_tokens: typeof maxTokens === 'number' ? maxTokens : undefined,
    stop:
      typeof input.stop_sequences === 'string' && input.stop_sequences !== ''
        ? input.stop_sequences.split(',')
        : undefined,
  };
}

/** The text the fake model outputs for a prediction input (a tool call is the `{"tool_call": …}` JSON). */
export function replicateOutputText(input: Obj): string {
  const reply = chatReplyAs('replicate', replicateChatView(input));
  if (reply.kind === 'text') return reply.text;
  const calls = reply.toolCalls.map((c) => ({ name: c.name, arguments: JSON.parse(c.arguments) as unknown }));
  return JSON.stringify(calls.length === 1 ? { tool_call: calls[0] } : { tool_calls: calls });
}

/** The metrics the fake reports: tokens of system prompt + prompt, and of the output text. */
export function predictReplicateUsage(body: unknown): { input: number; output: number } {
  const input = isObj(body) && isObj(body.input) ? body.input : {};
  const text = `${typeof input.system_prompt === 'string' ? input.system_prompt : ''}${typeof input.prompt === 'string' ? input.prompt : ''}`;
  return { input: estimateTokens(text), output: estimateTokens(replicateOutputText(input)) };
}

function problem(
  status: number,
  title: string,
  detail: string,
  extra: Obj = {},
): { status: number; body: Obj } {
  return { status, body: { title, detail, status, ...extra } };
}

const FAULT_PROBLEMS: Readonly<Record<number, [string, string]>> = {
  400: ['Bad request', 'The prompt is too long: it exceeds the maximum context length of the model.'],
  401: ['Unauthenticated', 'You did not pass a valid authentication token'],
  402: [
    'Payment required',
    'You have insufficient credit to run this model. Go to https://replicate.com/account/billing to purchase credit.',
  ],
  404: ['Not found', 'The requested resource could not be found.'],
  429: ['Request was throttled.', 'Request was throttled. Expected available in 1 second.'],
  500: ['Internal server error', 'An unexpected error occurred.'],
  503: ['Service unavailable', 'The service is temporarily unavailable. Please try again later.'],
};

/** Replicate's HTTP API for language-model predictions on top of the generic fake server. */
export function replicateProtocol(opts: FakeReplicateOptions = {}): FakeProtocol {
  const predictions = new Map<string, StoredPrediction>();
  const pollsBeforeDone = opts.pollsBeforeDone ?? 1;
  const send = (ex: FakeExchange, e: { status: number; body: Obj }, headers = {}) =>
    ex.json(e.status, e.body, headers);
  const baseOf = (ex: FakeExchange) => `http://${ex.headers.host ?? '127.0.0.1'}`;

  function view(ex: FakeExchange, id: string, stored: StoredPrediction): Obj {
    const done = stored.polls >= pollsBeforeDone || stored.streamed;
    const status = !done
      ? stored.polls === 0
        ? 'starting'
        : 'processing'
      : stored.failed
        ? 'failed'
        : 'succeeded';
    const base = baseOf(ex);
    const input = stored.body.input as Obj;
    const usage = predictReplicateUsage(stored.body);
    const prediction: Obj = {
      id,
      model: stored.body.model,
      version:
        typeof stored.body.version === 'string' ? stored.body.version : 'dp-4d0b7b5a6b8c4f0e9d1e2f3a4b5c6d7e',
      input,
      logs: '',
      output:
        status === 'succeeded' ? stored.output : status === 'processing' ? stored.output.slice(0, 1) : null,
      data_removed: false,
      error: status === 'failed' ? REPLICATE_FAILURE_MESSAGE : null,
      status,
      created_at: new Date().toISOString(),
      urls: {
        cancel: `${base}/v1/predictions/${id}/cancel`,
        get: `${base}/v1/predictions/${id}`,
        stream: `${base}/v1/streams/${id}`,
        web: `https://replicate.com/p/${id}`,
      },
    };
    if (done) {
      prediction.started_at = prediction.created_at;
      prediction.completed_at = prediction.created_at;
      prediction.metrics = stored.failed
        ? { predict_time: 0.4 }
        : isReplicateImageModel(String(stored.body.model))
          ? { predict_time: 1.2, image_count: stored.output.length }
          : {
              predict_time: 1.2,
              input_token_count: usage.input,
              output_token_count: usage.output,
              tokens_per_second: 40,
            };
    }
    return prediction;
  }

  async function create(ex: FakeExchange, model: string | undefined): Promise<void> {
    const body = ex.body;
    if (!isObj(body) || !isObj(body.input))
      return send(ex, problem(422, 'Input validation failed', '- input: input is required'));
    if (typeof body.input.prompt !== 'string')
      return send(
        ex,
        problem(422, 'Input validation failed', '- input: prompt is required', {
          invalid_fields: [{ type: 'required', field: 'input.prompt', description: 'prompt is required' }],
        }),
      );
    if (!model && typeof body.version !== 'string')
      return send(ex, problem(422, 'Input validation failed', '- version: version is required'));
    const id = randomBytes(13).toString('base64url').toLowerCase().slice(0, 26);
    const failed = opts.failPredictions === true || body.input.prompt.includes(REPLICATE_FAIL_TRIGGER);
    const stored: StoredPrediction = {
      body: { ...body, model: model ?? 'replicate/pinned-version' },
      output: failed
        ? []
        : model && isReplicateImageModel(model)
          ? replicateImageUrls(id, body.input)
          : textPieces(replicateOutputText(body.input)),
      failed,
      polls: 0,
      streamed: false,
    };
    predictions.set(id, stored);
    const prefer = String(ex.headers.prefer ?? '');
    if (opts.preferWait !== false && /^wait\b/.test(prefer)) stored.polls = pollsBeforeDone;
    return ex.json(201, view(ex, id, stored));
  }

  async function stream(ex: FakeExchange, stored: StoredPrediction): Promise<void> {
    if (stored.failed) {
      stored.streamed = true;
      return ex.sse([
        { event: 'error', data: JSON.stringify({ detail: REPLICATE_FAILURE_MESSAGE }) },
        { event: 'done', data: JSON.stringify({ reason: 'error' }) },
      ]);
    }
    const frames: SseFrame[] = stored.output.map((piece) => ({ event: 'output', data: piece }));
    frames.push({ event: 'done', data: '{}' });
    stored.streamed = true;
    return ex.sse(frames);
  }

  return {
    async handle(ex) {
      const auth = ex.headers.authorization;
      const token =
        typeof auth === 'string' && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() : '';
      if (token === '' || (opts.apiKey !== undefined && token !== opts.apiKey))
        return send(ex, problem(401, 'Unauthenticated', 'You did not pass a valid authentication token'));
      const official = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(ex.path);
      if (official && ex.method === 'POST') {
        if (!ex.bodyIsJson)
          return send(ex, problem(400, 'Bad request', 'The request body is not valid JSON.'));
        return create(ex, `${official[1]}/${official[2]}`);
      }
      if (ex.path === '/v1/predictions' && ex.method === 'POST') return create(ex, undefined);
      const item = /^\/v1\/(predictions|streams)\/([^/]+)(\/cancel)?$/.exec(ex.path);
      const stored = item ? predictions.get(item[2]) : undefined;
      if (!item || !stored)
        return send(ex, problem(404, 'Not found', 'The requested resource could not be found.'));
      if (item[1] === 'streams' && ex.method === 'GET') return stream(ex, stored);
      if (item[3] && ex.method === 'POST')
        return ex.json(200, { ...view(ex, item[2], stored), status: 'canceled' });
      if (ex.method !== 'GET') return send(ex, problem(405, 'Method not allowed', 'Method not allowed.'));
      const answer = view(ex, item[2], stored);
      stored.polls += 1;
      return ex.json(200, answer);
    },
    statusFault(ex, status, retryAfterSeconds) {
      const [title, detail] = FAULT_PROBLEMS[status] ?? ['Error', `Fake upstream failure (HTTP ${status}).`];
      const headers = retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
      return send(ex, problem(status, title, detail), headers);
    },
    error(ex, status, message) {
      return send(ex, problem(status, 'Error', message));
    },
  };
}

/**
 * Starts a fake Replicate API on 127.0.0.1: POST /v1/models/{owner}/{name}/predictions and /v1/predictions (201 with
 * the prediction; `Prefer: wait` answers it finished), GET /v1/predictions/{id} (starting → processing → succeeded
 * after `pollsBeforeDone` polls), GET /v1/streams/{id} (SSE `output` / `done` / `error`), POST …/cancel. Language-model
 * output is an array of text pieces; metrics carry input/output token counts. Faults as for every fake.
 */
export function startFakeReplicate(opts: FakeReplicateOptions = {}): Promise<FakeProvider> {
  return startFakeServer(replicateProtocol(opts), opts);
}
