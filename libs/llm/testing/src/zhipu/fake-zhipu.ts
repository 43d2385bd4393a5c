import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FakeExchange } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import { chatCompletionBody, chatCompletionChunks } from '../openai/chat';
import { chatReply } from '../openai/chat-reply';
import { embeddingsBody } from '../openai/embeddings';
import { responseMeta } from '../openai/ids';
import type { ChatRequest, EmbeddingRequest } from '../openai/types';

export interface FakeZhipuOptions extends FakeServerOptions {
  /** The API key `id.secret` whose JWTs are accepted. */
  apiKey: string;
}

/** Zhipu's error envelope: `{"error": {"code": "<business code>", "message": ...}}` with the HTTP status. */
function zhipuError(ex: FakeExchange, status: number, code: string, message: string): Promise<void> {
  return ex.json(status, { error: { code, message } });
}

/**
 * Why a token is refused, or undefined when it is a valid HS256 JWT of `apiKey`: the header must say
 * `{alg: HS256, sign_type: SIGN}`, the claims `api_key` (the id) with `exp` and `timestamp` in milliseconds.
 */
export function zhipuTokenProblem(token: string, apiKey: string, nowMs = Date.now()): string | undefined {
  const [id, secret] = apiKey.split('.');
  const parts = token.split('.');
  if (parts.length !== 3) return 'not a JWT';
  const [header, claims, signature] = parts;
  const expected = createHmac('sha256', secret).update(`${header}.${claims}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
  const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (h.alg !== 'HS256' || h.sign_type !== 'SIGN') return 'bad header';
  const c = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (c.api_key !== id) return 'wrong api_key';
  if (typeof c.exp !== 'number' || typeof c.timestamp !== 'number') return 'missing exp/timestamp';
  // Milliseconds, as Zhipu wants: a seconds value would be decades in the past.
  if (c.timestamp < 1e12 || c.exp <= nowMs) return 'expired';
  return undefined;
}

/** Zhipu's v4 API (`/api/paas/v4/chat/completions`, `/api/paas/v4/embeddings`), OpenAI-shaped, JWT-authenticated. */
export function zhipuProtocol(opts: FakeZhipuOptions): FakeProtocol {
  return {
    async handle(ex) {
      const auth = ex.headers.authorization;
      if (typeof auth !== 'string' || auth === '')
        return zhipuError(ex, 401, '1001', 'Header中未收到Authorization参数');
      if (auth.startsWith('Bearer ')) return zhipuError(ex, 401, '1002', 'Authorization Token非法');
      if (zhipuTokenProblem(auth, opts.apiKey)) return zhipuError(ex, 401, '1000', '身份验证失败。');
      if (ex.method !== 'POST') return zhipuError(ex, 404, '1200', `unknown path ${ex.path}`);
      if (ex.path === '/api/paas/v4/chat/completions') {
        const req = (ex.body ?? {}) as ChatRequest;
        if (!Array.isArray(req.messages) || typeof req.model !== 'string')
          return zhipuError(ex, 400, '1214', 'messages 参数非法。请检查文档。');
        const reply = chatReply(req);
        const meta = responseMeta('chatcmpl', req.model);
        if (req.stream) return ex.sse(chatCompletionChunks(req, reply, meta), '[DONE]');
        return ex.json(200, { ...chatCompletionBody(req, reply, meta), request_id: meta.id });
      }
      if (ex.path === '/api/paas/v4/images/generations') {
        const req = (ex.body ?? {}) as { model?: unknown; prompt?: unknown };
        if (typeof req.model !== 'string' || typeof req.prompt !== 'string' || req.prompt === '')
          return zhipuError(ex, 400, '1214', 'prompt 参数非法。');
        // CogView answers one image URL, in OpenAI's images shape.
        return ex.json(200, {
          created: Math.floor(Date.now() / 1000),
          data: [
            {
              url: `https://aigc-files.bigmodel.cn/api/cogview/${encodeURIComponent(req.prompt).slice(0, 32)}.png`,
            },
          ],
        });
      }
      if (ex.path === '/api/paas/v4/embeddings') {
        const req = (ex.body ?? {}) as EmbeddingRequest;
        if (typeof req.model !== 'string' || req.input === undefined)
          return zhipuError(ex, 400, '1214', 'input 参数非法。');
        return ex.json(200, embeddingsBody(req));
      }
      return zhipuError(ex, 404, '1200', `unknown path ${ex.path}`);
    },
    statusFault: (ex, status) => zhipuError(ex, status, status === 429 ? '1302' : '500', `fault ${status}`),
    error: (ex, status, message) => zhipuError(ex, status, String(status), message),
  };
}

export function startFakeZhipu(opts: FakeZhipuOptions): Promise<FakeProvider> {
  return startFakeServer(zhipuProtocol(opts), opts);
}
