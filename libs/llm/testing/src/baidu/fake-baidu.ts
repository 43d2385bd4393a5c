import { randomBytes } from 'node:crypto';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import { chatReply, replyCompletionTokens } from '../openai/chat-reply';
import { wordPieces } from '../openai/ids';
import type { ChatRequest } from '../openai/types';
import { fakeEmbedding } from '../openai/embeddings';
import { chatPromptTokens, estimateTokens } from '../openai/usage';

export interface FakeBaiduOptions extends FakeServerOptions {
  /** The API key and secret key accepted by the token endpoint. */
  apiKey: string;
  secretKey: string;
  /** `expires_in` of issued tokens, in seconds (Baidu: 30 days). */
  expiresInSeconds?: number;
}

export const ERNIE_CHAT_PREFIX = '/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/';
export const ERNIE_EMBEDDINGS_PREFIX = '/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/';

interface ErnieBody {
  messages?: Array<{ role: string; content: string }>;
  system?: string;
  stream?: boolean;
}

/**
 * Baidu's OAuth client-credentials endpoint and ERNIE wenxinworkshop chat: tokens are issued for the right AK/SK
 * only and checked on every chat call (`?access_token=`); errors are `{error_code, error_msg}` with HTTP 200, as
 * Baidu answers them.
 */
export function baiduProtocol(opts: FakeBaiduOptions): FakeProtocol {
  const issued = new Set<string>();
  return {
    async handle(ex) {
      if (ex.path === '/oauth/2.0/token') {
        const q = ex.query;
        if (q.get('grant_type') !== 'client_credentials')
          return ex.json(400, {
            error: 'unsupported_grant_type',
            error_description: 'unsupported grant type',
          });
        if (q.get('client_id') !== opts.apiKey)
          return ex.json(401, { error: 'invalid_client', error_description: 'unknown client id' });
        if (q.get('client_secret') !== opts.secretKey)
          return ex.json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
        const token = `24.${randomBytes(16).toString('hex')}.2592000.1700000000.282335-8574074`;
        issued.add(token);
        return ex.json(200, {
          refresh_token: `25.${randomBytes(16).toString('hex')}.315360000.1798284651.282335-8574074`,
          expires_in: opts.expiresInSeconds ?? 2_592_000,
          scope: 'public wise_adapt',
          session_key: randomBytes(24).toString('base64'),
          access_token: token,
          session_secret: randomBytes(16).toString('hex'),
        });
      }
      const embeddings = ex.path.startsWith(ERNIE_EMBEDDINGS_PREFIX);
      if ((!ex.path.startsWith(ERNIE_CHAT_PREFIX) && !embeddings) || ex.method !== 'POST')
        return ex.json(200, { error_code: 3, error_msg: 'Unsupported openapi method' });
      const token = ex.query.get('access_token');
      if (!token) return ex.json(200, { error_code: 100, error_msg: 'Invalid parameter' });
      if (!issued.has(token))
        return ex.json(200, { error_code: 110, error_msg: 'Access token invalid or no longer valid' });
      if (embeddings) {
        const input = (ex.body as { input?: unknown } | undefined)?.input;
        if (!Array.isArray(input) || input.some((t) => typeof t !== 'string'))
          return ex.json(200, { error_code: 336003, error_msg: 'input is invalid' });
        const model = ex.path.slice(ERNIE_EMBEDDINGS_PREFIX.length);
        const tokens = (input as string[]).reduce((sum, text) => sum + estimateTokens(text), 0);
        return ex.json(200, {
          id: `as-${randomBytes(5).toString('hex')}`,
          object: 'embedding_list',
          created: Math.floor(Date.now() / 1000),
          data: (input as string[]).map((text, index) => ({
            object: 'embedding',
            embedding: Array.from(fakeEmbedding(text, model, 384)),
            index,
          })),
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        });
      }
      const body = (ex.body ?? {}) as ErnieBody;
      if (!Array.isArray(body.messages) || body.messages.length % 2 === 0)
        return ex.json(200, {
          error_code: 336006,
          error_msg: 'the length of messages must be an odd number',
        });
      const chat: ChatRequest = {
        model: ex.path.slice(ERNIE_CHAT_PREFIX.length),
        messages: [
          ...(body.system ? [{ role: 'system' as const, content: body.system }] : []),
          ...(body.messages as ChatRequest['messages'] & object),
        ],
      };
      const reply = chatReply(chat);
      const text = reply.kind === 'text' ? reply.text : '';
      const promptTokens = chatPromptTokens(chat);
      const completionTokens = replyCompletionTokens(reply);
      const usage = {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      };
      const id = `as-${randomBytes(5).toString('hex')}`;
      const created = Math.floor(Date.now() / 1000);
      const base = { id, object: 'chat.completion', created, is_truncated: false, need_clear_history: false };
      if (!body.stream) return ex.json(200, { ...base, result: text, usage });
      const sentences = wordPieces(text);
      const events = sentences.map((piece, i) =>
        JSON.stringify({ ...base, sentence_id: i, is_end: i === sentences.length - 1, result: piece, usage }),
      );
      return ex.sse(events);
    },
    statusFault: (ex, status) =>
      ex.json(status, { error_code: status === 429 ? 18 : 336000, error_msg: `fault ${status}` }),
    error: (ex, status, message) => ex.json(status, { error_code: 336000, error_msg: message }),
  };
}

export function startFakeBaidu(opts: FakeBaiduOptions): Promise<FakeProvider> {
  return startFakeServer(baiduProtocol(opts), opts);
}
