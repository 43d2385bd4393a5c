import { randomUUID } from 'node:crypto';
import type { FakeExchange } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import { type ChatReply, chatReply, replyCompletionTokens } from '../openai/chat-reply';
import { wordPieces } from '../openai/ids';
import type { ChatRequest } from '../openai/types';
import { fakeEmbedding } from '../openai/embeddings';
import { chatPromptTokens, estimateTokens } from '../openai/usage';

export interface FakeAliOptions extends FakeServerOptions {
  /** The only DashScope API key accepted (`Authorization: Bearer <key>`). */
  apiKey: string;
}

export const DASHSCOPE_GENERATION_PATH = '/api/v1/services/aigc/text-generation/generation';
export const DASHSCOPE_EMBEDDINGS_PATH = '/api/v1/services/embeddings/text-embedding/text-embedding';

interface GenerationBody {
  model?: string;
  input?: { messages?: ChatRequest['messages'] };
  parameters?: {
    result_format?: string;
    incremental_output?: boolean;
    tools?: unknown[];
    tool_choice?: unknown;
    response_format?: unknown;
    max_tokens?: number;
    temperature?: number;
    top_p?: number;
    top_k?: number;
    stop?: string | string[];
    seed?: number;
  };
}

/**
 * A DashScope generation body read as the OpenAI Chat request it carries (messages and tools are OpenAI-shaped;
 * sampling sits in `parameters`): what the fake answers, and what tests compare with a Chat request.
 */
export function dashscopeAsChatRequest(body: unknown): ChatRequest & Record<string, unknown> {
  const b = (body ?? {}) as GenerationBody;
  const p = b.parameters ?? {};
  const chat: ChatRequest & Record<string, unknown> = { model: b.model, messages: b.input?.messages };
  const copy: Array<[string, unknown]> = [
    ['tools', p.tools],
    ['tool_choice', p.tool_choice],
    ['response_format', p.response_format],
    ['max_tokens', p.max_tokens],
    ['temperature', p.temperature],
    ['top_p', p.top_p],
    ['top_k', p.top_k],
    ['stop', p.stop],
    ['seed', p.seed],
  ];
  for (const [name, value] of copy) if (value !== undefined) chat[name] = value;
  return chat;
}

function aliError(ex: FakeExchange, status: number, code: string, message: string): Promise<void> {
  return ex.json(status, { code, message, request_id: randomUUID() });
}

function messageOf(reply: ChatReply, text?: string): Record<string, unknown> {
  if (reply.kind === 'text') return { role: 'assistant', content: text ?? reply.text };
  return {
    role: 'assistant',
    content: '',
    tool_calls: reply.toolCalls.map((call, index) => ({
      index,
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    })),
  };
}

/**
 * DashScope native text generation: Bearer key, `{model, input: {messages}, parameters}`; answers
 * `{output: {choices: [{message, finish_reason}]}, usage, request_id}`, or with `X-DashScope-SSE: enable` an SSE
 * stream of `id:` / `event:result` / `:HTTP_STATUS/200` / `data:` events (incremental when asked).
 */
export function aliProtocol(opts: FakeAliOptions): FakeProtocol {
  return {
    async handle(ex) {
      if (ex.headers.authorization !== `Bearer ${opts.apiKey}`)
        return aliError(ex, 401, 'InvalidApiKey', 'Invalid API-key provided.');
      if (ex.method === 'POST' && ex.path === DASHSCOPE_EMBEDDINGS_PATH) {
        const req = (ex.body ?? {}) as {
          model?: string;
          input?: { texts?: unknown };
          parameters?: { dimension?: number };
        };
        const texts = req.input?.texts;
        if (
          typeof req.model !== 'string' ||
          !Array.isArray(texts) ||
          texts.some((t) => typeof t !== 'string')
        )
          return aliError(ex, 400, 'InvalidParameter', 'input.texts should be a list of strings');
        const dims = req.parameters?.dimension ?? 1024;
        const tokens = (texts as string[]).reduce((sum, text) => sum + estimateTokens(text), 0);
        return ex.json(200, {
          output: {
            embeddings: (texts as string[]).map((text, index) => ({
              text_index: index,
              embedding: Array.from(fakeEmbedding(text, req.model as string, dims)),
            })),
          },
          usage: { total_tokens: tokens },
          request_id: randomUUID(),
        });
      }
      if (ex.method !== 'POST' || ex.path !== DASHSCOPE_GENERATION_PATH)
        return aliError(ex, 404, 'NotFound', `path ${ex.path} not found`);
      const body = (ex.body ?? {}) as GenerationBody;
      const messages = body.input?.messages;
      if (typeof body.model !== 'string' || !Array.isArray(messages) || messages.length === 0)
        return aliError(ex, 400, 'InvalidParameter', 'Input should be a valid dictionary with messages.');
      if (body.parameters?.result_format !== 'message')
        return aliError(ex, 400, 'InvalidParameter', 'the fake answers result_format "message" only');
      const chat = dashscopeAsChatRequest(body);
      const reply = chatReply(chat);
      const input = chatPromptTokens(chat);
      const output = replyCompletionTokens(reply);
      const requestId = randomUUID();
      const usage = (out: number) => ({ total_tokens: input + out, input_tokens: input, output_tokens: out });
      if (ex.headers['x-dashscope-sse'] !== 'enable')
        return ex.json(200, {
          output: { choices: [{ finish_reason: reply.finishReason, message: messageOf(reply) }] },
          usage: usage(output),
          request_id: requestId,
        });
      const incremental = body.parameters?.incremental_output === true;
      const pieces = reply.kind === 'text' ? wordPieces(reply.text) : [''];
      ex.res.writeHead(200, {
        'content-type': 'text/event-stream;charset=UTF-8',
        'x-dashscope-call-gateway': 'true',
      });
      let sent = '';
      pieces.forEach((piece, i) => {
        sent += piece;
        const last = i === pieces.length - 1;
        const data = {
          output: {
            choices: [
              {
                message: messageOf(reply, incremental ? piece : sent),
                finish_reason: last ? reply.finishReason : 'null',
              },
            ],
          },
          usage: usage(last ? output : Math.min(output, i + 1)),
          request_id: requestId,
        };
        ex.res.write(`id:${i + 1}\nevent:result\n:HTTP_STATUS/200\ndata:${JSON.stringify(data)}\n\n`);
      });
      ex.res.end();
    },
    statusFault: (ex, status) =>
      aliError(ex, status, status === 429 ? 'Throttling.RateQuota' : 'InternalError', `fault ${status}`),
    error: (ex, status, message) => aliError(ex, status, 'InternalError', message),
  };
}

export function startFakeAli(opts: FakeAliOptions): Promise<FakeProvider> {
  return startFakeServer(aliProtocol(opts), opts);
}
