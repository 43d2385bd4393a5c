import { randomBytes, randomUUID } from 'node:crypto';
import { chatReplyAs, replyTokens, textPieces } from '../core/chat-reply-as';
import type { FakeExchange, SseFrame } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import { fakeEmbedding } from '../openai/embeddings';
import type { ChatReply } from '../openai/chat-reply';
import type { ChatMessage, ChatRequest, ChatTool } from '../openai/types';
import { chatPromptTokens, estimateTokens } from '../openai/usage';

export interface FakeCohereOptions extends FakeServerOptions {
  /** The only bearer key accepted; default: any non-empty key. */
  apiKey?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Tokens of the prompt template Cohere wraps around the messages: counted in `tokens`, never billed. */
export const COHERE_TEMPLATE_TOKENS = 200;
export const COHERE_EMBED_DIMENSIONS = 1024;

/** Cohere v2 chat body → the OpenAI-shaped view the shared reply rules read. */
export function cohereChatView(body: Obj): ChatRequest {
  const format = isObj(body.response_format) ? body.response_format : undefined;
  const choice = body.tool_choice === 'REQUIRED' ? 'required' : body.tool_choice === 'NONE' ? 'none' : 'auto';
  return {
    model: typeof body.model === 'string' ? body.model : '',
    messages: (Array.isArray(body.messages) ? body.messages : []) as ChatMessage[],
    tools: (Array.isArray(body.tools) ? body.tools : []) as ChatTool[],
    tool_choice: choice,
    response_format:
      format?.type === 'json_object'
        ? format.json_schema !== undefined
          ? { type: 'json_schema', json_schema: { name: 'schema', schema: format.json_schema } }
          : { type: 'json_object' }
        : undefined,
    max_tokens: typeof body.max_tokens === 'number' ? body.max_tokens : undefined,
    stop: Array.isArray(body.stop_sequences) ? (body.stop_sequences as string[]) : undefined,
  };
}

/** What the fake bills for a chat body: `{input, output}` billed units (deterministic but for tool call ids). */
export function predictCohereUsage(body: unknown): { input: number; output: number } {
  const view = cohereChatView(isObj(body) ? body : {});
  return { input: chatPromptTokens(view), output: replyTokens(chatReplyAs('cohere', view)) };
}

function usageBody(input: number, output: number): Obj {
  return {
    billed_units: { input_tokens: input, output_tokens: output },
    tokens: { input_tokens: input + COHERE_TEMPLATE_TOKENS, output_tokens: output },
  };
}

function toolCallId(name: string): string {
  return `${name}_${randomBytes(6).toString('hex')}`;
}

function finishReason(reply: ChatReply): string {
  if (reply.kind === 'tool_calls') return 'TOOL_CALL';
  return reply.finishReason === 'length' ? 'MAX_TOKENS' : 'COMPLETE';
}

function toolPlan(reply: ChatReply & { kind: 'tool_calls' }): string {
  return `I will call ${reply.toolCalls.map((call) => call.name).join(' and ')}.`;
}

function cohereError(status: number, message: string): { status: number; body: Obj } {
  return { status, body: { id: randomUUID(), message } };
}

const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: 'too many tokens: total number of tokens in the prompt cannot exceed 256000 - received 312044. Try using a shorter prompt or enabling prompt truncating.',
  401: 'invalid api token',
  403: 'You do not have access to this model',
  404: "model 'command-x' not found, make sure the correct model ID was used and that you have access to the model.",
  429: 'You are using a Trial key, which is limited to 20 API calls / minute. You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits.',
  499: 'request cancelled',
  500: 'internal server error, this has been reported to our developers',
  503: 'the service is currently overloaded, please try again later',
};

function validateChat(body: unknown): string | undefined {
  if (!isObj(body)) return 'invalid request: the body must be a JSON object';
  if (typeof body.model !== 'string' || body.model === '') return 'invalid request: model must be specified';
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    return 'invalid request: messages must contain at least one message';
  for (const [i, m] of messages.entries()) {
    const role = isObj(m) ? m.role : undefined;
    if (!['system', 'user', 'assistant', 'tool'].includes(String(role)))
      return `invalid request: messages[${i}].role must be one of system, user, assistant, tool`;
    if (role === 'tool' && (!isObj(m) || typeof m.tool_call_id !== 'string'))
      return `invalid request: messages[${i}].tool_call_id is required for tool messages`;
  }
  for (const key of ['top_p', 'top_k', 'stop', 'max_completion_tokens', 'stream_options'])
    if (key in body) return `invalid request: unknown field: parameter ${key} is not a valid field`;
  return undefined;
}

/** Cohere's wire protocol (api.cohere.com v2) on top of the generic fake server. */
export function cohereProtocol(opts: FakeCohereOptions = {}): FakeProtocol {
  const send = (ex: FakeExchange, e: { status: number; body: Obj }) => ex.json(e.status, e.body);

  async function chat(ex: FakeExchange): Promise<void> {
    const invalid = validateChat(ex.body);
    if (invalid) return send(ex, cohereError(400, invalid));
    const body = ex.body as Obj;
    const view = cohereChatView(body);
    const reply = chatReplyAs('cohere', view);
    const input = chatPromptTokens(view);
    const output = replyTokens(reply);
    const id = randomUUID();
    const calls =
      reply.kind === 'tool_calls'
        ? reply.toolCalls.map((call) => ({
            id: toolCallId(call.name),
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          }))
        : [];
    if (body.stream !== true) {
      const message: Obj = { role: 'assistant' };
      if (reply.kind === 'tool_calls') {
        message.tool_plan = toolPlan(reply);
        message.tool_calls = calls;
      } else message.content = [{ type: 'text', text: reply.text }];
      return ex.json(200, {
        id,
        finish_reason: finishReason(reply),
        message,
        usage: usageBody(input, output),
      });
    }
    const frames: SseFrame[] = [];
    const frame = (type: string, rest: Obj) =>
      frames.push({ event: type, data: JSON.stringify({ type, ...rest }) });
    frame('message-start', {
      id,
      delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } },
    });
    if (reply.kind === 'tool_calls') {
      frame('tool-plan-delta', { delta: { message: { tool_plan: toolPlan(reply) } } });
      calls.forEach((call, index) => {
        frame('tool-call-start', {
          index,
          delta: {
            message: { tool_calls: { ...call, function: { name: call.function.name, arguments: '' } } },
          },
        });
        const args = call.function.arguments;
        const half = Math.ceil(args.length / 2);
        for (const piece of [args.slice(0, half), args.slice(half)].filter((p) => p !== ''))
          frame('tool-call-delta', {
            index,
            delta: { message: { tool_calls: { function: { arguments: piece } } } },
          });
        frame('tool-call-end', { index });
      });
    } else {
      frame('content-start', { index: 0, delta: { message: { content: { type: 'text', text: '' } } } });
      for (const piece of textPieces(reply.text))
        frame('content-delta', { index: 0, delta: { message: { content: { text: piece } } } });
      frame('content-end', { index: 0 });
    }
    frame('message-end', { delta: { finish_reason: finishReason(reply), usage: usageBody(input, output) } });
    return ex.sse(frames);
  }

  async function rerank(ex: FakeExchange): Promise<void> {
    const body = ex.body;
    if (!isObj(body) || typeof body.query !== 'string' || !Array.isArray(body.documents))
      return send(ex, cohereError(400, 'invalid request: query and documents are required'));
    const words = new Set(body.query.toLowerCase().match(/[a-z0-9]+/g) ?? []);
    const scored = body.documents.map((doc, index) => {
      const text = typeof doc === 'string' ? doc : isObj(doc) && typeof doc.text === 'string' ? doc.text : '';
      const tokens = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
      const hits = tokens.filter((t) => words.has(t)).length;
      return { index, relevance_score: Number((hits / (tokens.length + 1)).toFixed(6)) };
    });
    scored.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
    const topN = typeof body.top_n === 'number' ? body.top_n : scored.length;
    return ex.json(200, {
      id: randomUUID(),
      results: scored.slice(0, topN),
      meta: {
        api_version: { version: '2' },
        billed_units: { search_units: Math.ceil(scored.length / 100) || 1 },
      },
    });
  }

  async function embed(ex: FakeExchange): Promise<void> {
    const body = ex.body;
    if (!isObj(body) || !Array.isArray(body.texts) || typeof body.model !== 'string')
      return send(ex, cohereError(400, 'invalid request: model and texts are required'));
    if (typeof body.input_type !== 'string')
      return send(
        ex,
        cohereError(400, 'invalid request: valid input_type must be provided with the provided model'),
      );
    const texts = body.texts.map(String);
    const dims = typeof body.output_dimension === 'number' ? body.output_dimension : COHERE_EMBED_DIMENSIONS;
    return ex.json(200, {
      id: randomUUID(),
      embeddings: { float: texts.map((t) => Array.from(fakeEmbedding(t, body.model as string, dims))) },
      texts,
      meta: {
        api_version: { version: '2' },
        billed_units: { input_tokens: texts.reduce((sum, t) => sum + estimateTokens(t), 0) },
      },
      response_type: 'embeddings_by_type',
    });
  }

  return {
    async handle(ex) {
      const route = { '/v2/chat': chat, '/v2/rerank': rerank, '/v1/rerank': rerank, '/v2/embed': embed }[
        ex.path
      ];
      if (!route || ex.method !== 'POST')
        return send(ex, { status: 404, body: { message: `route ${ex.method} ${ex.path} not found` } });
      const auth = ex.headers.authorization;
      const key =
        typeof auth === 'string' && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() : '';
      if (key === '' || (opts.apiKey !== undefined && key !== opts.apiKey))
        return send(ex, cohereError(401, 'invalid api token'));
      if (!ex.bodyIsJson)
        return send(ex, cohereError(400, 'invalid request: could not parse the request body as JSON'));
      return route(ex);
    },
    statusFault(ex, status, retryAfterSeconds) {
      const headers =
        status === 429 && retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
      const e = cohereError(status, STATUS_MESSAGES[status] ?? `fake upstream failure (HTTP ${status})`);
      return ex.json(e.status, e.body, headers);
    },
    error(ex, status, message) {
      return send(ex, cohereError(status, message));
    },
  };
}

/**
 * Starts a fake Cohere API on 127.0.0.1 speaking the v2 wire format: POST /v2/chat (JSON, or SSE with named events
 * when `stream` is true), /v2/rerank, /v2/embed; bearer key. Faults as for every fake (`setFault`, `failNext`,
 * `/_fault/<spec>` prefix).
 */
export function startFakeCohere(opts: FakeCohereOptions = {}): Promise<FakeProvider> {
  return startFakeServer(cohereProtocol(opts), opts);
}
