import { chatReplyAs, replyTokens, textPieces } from '../core/chat-reply-as';
import type { FakeExchange } from '../core/exchange';
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

export interface FakeOllamaOptions extends FakeServerOptions {
  /** When set, a bearer key other than this one is refused (Ollama itself checks none; a proxy in front may). */
  apiKey?: string;
  /** Models the fake has "pulled"; others answer 404 "not found, try pulling it first". Default: any model. */
  models?: readonly string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const OLLAMA_EMBED_DIMENSIONS = 384;
/** Thinking models answer `think: true` with this before the quote of the last user text. */
export const OLLAMA_THINKING_PREFIX = 'Thinking about: ';

/**
 * The fake model follows a system instruction to call a tool (`You must call the tool "x".` or `You must call one of
 * the tools.`), as instruct models do: Ollama itself has no tool choice.
 */
function forcedChoice(messages: ChatMessage[]): ChatRequest['tool_choice'] {
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => String(m.content ?? ''))
    .join('\n');
  const named = /You must call the tool "([^"]+)"\./.exec(system)?.[1];
  if (named) return { type: 'function', function: { name: named } };
  return /You must call one of the tools\./.test(system) ? 'required' : 'auto';
}

/** An Ollama `/api/chat` body → the OpenAI-shaped view the shared reply rules read (arguments become strings). */
export function ollamaChatView(body: Obj): ChatRequest {
  const messages = (Array.isArray(body.messages) ? body.messages : []).filter(isObj).map((m): ChatMessage => {
    const calls = Array.isArray(m.tool_calls) ? m.tool_calls.filter(isObj) : [];
    return {
      role: typeof m.role === 'string' ? m.role : undefined,
      content: typeof m.content === 'string' ? m.content : '',
      ...(calls.length > 0
        ? {
            tool_calls: calls.map((c) => {
              const fn = isObj(c.function) ? c.function : {};
              return {
                function: { name: String(fn.name ?? ''), arguments: JSON.stringify(fn.arguments ?? {}) },
              };
            }),
          }
        : {}),
    };
  });
  const options = isObj(body.options) ? body.options : {};
  const format = body.format;
  return {
    model: typeof body.model === 'string' ? body.model : '',
    messages,
    tools: (Array.isArray(body.tools) ? body.tools : []) as ChatTool[],
    tool_choice: forcedChoice(messages),
    response_format:
      format === 'json'
        ? { type: 'json_object' }
        : isObj(format)
          ? { type: 'json_schema', json_schema: { name: 'format', schema: format } }
          : undefined,
    max_tokens: typeof options.num_predict === 'number' ? options.num_predict : undefined,
    stop: Array.isArray(options.stop) ? (options.stop as string[]) : undefined,
  };
}

/** What the fake counts for a chat body: `prompt_eval_count` and `eval_count` (thinking included). */
export function predictOllamaUsage(body: unknown): { input: number; output: number } {
  const b = isObj(body) ? body : {};
  const view = ollamaChatView(b);
  const thinking = thinkingOf(b, view);
  const output = replyTokens(chatReplyAs('ollama', view)) + (thinking ? estimateTokens(thinking) : 0);
  return { input: chatPromptTokens(view), output };
}

function thinkingOf(body: Obj, view: ChatRequest): string | undefined {
  if (body.think === undefined || body.think === false) return undefined;
  const last = [...(view.messages ?? [])].reverse().find((m) => m.role === 'user');
  return OLLAMA_THINKING_PREFIX + String(last?.content ?? '').slice(0, 100);
}

function validate(body: unknown): string | undefined {
  if (!isObj(body)) return 'invalid request body';
  if (typeof body.model !== 'string' || body.model === '') return 'model is required';
  if (!Array.isArray(body.messages)) return 'messages is required';
  for (const m of body.messages) {
    if (!isObj(m) || !['system', 'user', 'assistant', 'tool'].includes(String(m.role)))
      return `invalid role: ${isObj(m) ? String(m.role) : ''}`;
    if (m.content !== undefined && typeof m.content !== 'string')
      return 'json: cannot unmarshal array into Go struct field Message.messages.content of type string';
    for (const c of Array.isArray(m.tool_calls) ? m.tool_calls : [])
      if (!isObj(c) || !isObj(c.function) || !isObj(c.function.arguments))
        return 'json: cannot unmarshal string into Go struct field ToolCallFunction.messages.tool_calls.function.arguments of type api.ToolCallFunctionArguments';
  }
  for (const key of ['max_tokens', 'temperature', 'top_p', 'stop', 'stream_options'])
    if (key in body) return `unknown field "${key}"`; // Ollama ignores them; the fake is strict to catch OpenAI names
  return undefined;
}

/** Ollama's native wire protocol (`/api/chat`, `/api/embed`, `/api/tags`) on top of the generic fake server. */
export function ollamaProtocol(opts: FakeOllamaOptions = {}): FakeProtocol {
  const fail = (ex: FakeExchange, status: number, error: string) => ex.json(status, { error });

  async function chat(ex: FakeExchange): Promise<void> {
    const invalid = validate(ex.body);
    if (invalid) return fail(ex, 400, invalid);
    const body = ex.body as Obj;
    const model = body.model as string;
    if (opts.models && !opts.models.includes(model))
      return fail(ex, 404, `model "${model}" not found, try pulling it first`);
    const view = ollamaChatView(body);
    const reply: ChatReply = chatReplyAs('ollama', view);
    const thinking = thinkingOf(body, view);
    const usage = predictOllamaUsage(body);
    const now = () => new Date().toISOString();
    const calls =
      reply.kind === 'tool_calls'
        ? reply.toolCalls.map((c) => ({
            function: { name: c.name, arguments: JSON.parse(c.arguments) as unknown },
          }))
        : undefined;
    const doneReason = reply.kind === 'text' && reply.finishReason === 'length' ? 'length' : 'stop';
    const final = {
      done: true,
      done_reason: doneReason,
      total_duration: 1_200_000_000,
      load_duration: 2_000_000,
      prompt_eval_count: usage.input,
      prompt_eval_duration: 300_000_000,
      eval_count: usage.output,
      eval_duration: 900_000_000,
    };
    // Ollama streams unless `stream: false` is given
    if (body.stream === false) {
      const message: Obj = { role: 'assistant', content: reply.kind === 'text' ? reply.text : '' };
      if (thinking) message.thinking = thinking;
      if (calls) message.tool_calls = calls;
      return ex.json(200, { model, created_at: now(), message, ...final });
    }
    const lines: Obj[] = [];
    const line = (message: Obj) =>
      lines.push({
        model,
        created_at: now(),
        message: { role: 'assistant', content: '', ...message },
        done: false,
      });
    if (thinking) for (const piece of textPieces(thinking)) line({ thinking: piece });
    if (calls) line({ tool_calls: calls });
    else if (reply.kind === 'text') for (const piece of textPieces(reply.text)) line({ content: piece });
    lines.push({ model, created_at: now(), message: { role: 'assistant', content: '' }, ...final });
    return ex.ndjson(lines);
  }

  async function embed(ex: FakeExchange): Promise<void> {
    const body = ex.body;
    if (!isObj(body) || typeof body.model !== 'string') return fail(ex, 400, 'model is required');
    const inputs =
      typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input.map(String) : [];
    if (inputs.length === 0) return fail(ex, 400, 'invalid input type');
    const dims = typeof body.dimensions === 'number' ? body.dimensions : OLLAMA_EMBED_DIMENSIONS;
    return ex.json(200, {
      model: body.model,
      embeddings: inputs.map((text) => Array.from(fakeEmbedding(text, body.model as string, dims))),
      total_duration: 14_143_917,
      load_duration: 1_019_500,
      prompt_eval_count: inputs.reduce((sum, text) => sum + estimateTokens(text), 0),
    });
  }

  return {
    async handle(ex) {
      if (opts.apiKey !== undefined && ex.headers.authorization !== `Bearer ${opts.apiKey}`)
        return ex.json(401, { error: 'unauthorized' });
      if (ex.path === '/api/tags' && ex.method === 'GET')
        return ex.json(200, {
          models: (opts.models ?? ['llama3.2']).map((name) => ({
            name,
            model: name,
            modified_at: new Date().toISOString(),
            size: 0,
          })),
        });
      if (ex.method !== 'POST' || (ex.path !== '/api/chat' && ex.path !== '/api/embed'))
        return ex.json(404, { error: '404 page not found' });
      if (!ex.bodyIsJson) return fail(ex, 400, 'invalid character in request body');
      return ex.path === '/api/chat' ? chat(ex) : embed(ex);
    },
    statusFault(ex, status, retryAfterSeconds) {
      const headers = retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
      const error =
        status === 400
          ? 'the input length exceeds the context length'
          : status === 429
            ? 'server busy, please try again.  maximum pending requests exceeded'
            : status === 503
              ? 'server overloaded, please try again later'
              : `fake upstream failure (HTTP ${status})`;
      return ex.json(status, { error }, headers);
    },
    error(ex, status, message) {
      return fail(ex, status, message);
    },
  };
}

/**
 * Starts a fake Ollama on 127.0.0.1 speaking its native API: POST /api/chat (one JSON object with `stream: false`,
 * else NDJSON lines ending with a `done: true` line carrying the counts), POST /api/embed, GET /api/tags.
 * Faults as for every fake.
 */
export function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeProvider> {
  return startFakeServer(ollamaProtocol(opts), opts);
}
