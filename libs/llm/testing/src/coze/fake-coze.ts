import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { chatReplyAs, textPieces } from '../core/chat-reply-as';
import type { FakeExchange, SseFrame } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import type { ChatMessage, ChatRequest } from '../openai/types';
import { estimateTokens } from '../openai/usage';

/** A Coze OAuth app of the JWT kind, as the fake knows it: tokens are issued for JWTs signed by its key. */
export interface FakeCozeJwtApp {
  appId: string;
  /** The public key fingerprint the JWT header's `kid` must name. */
  keyId: string;
  publicKeyPem: string;
  /** The `aud` the JWT must carry; default: the host the fake was called on (Coze wants its API host). */
  audience?: string;
}

export interface FakeCozeOptions extends FakeServerOptions {
  /** The personal access token accepted; default: any token starting with `pat_`. */
  personalAccessToken?: string;
  jwtApp?: FakeCozeJwtApp;
  /** Bot ids that exist; default: any. */
  bots?: readonly string[];
  /** Every chat fails with this error (`conversation.chat.failed`, or `status: failed` when polled), e.g. no balance. */
  failChats?: { code: number; msg: string };
  /** The fake's clock in milliseconds (token expiry, JWT iat / exp checks); default Date.now. */
  now?: () => number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const numericId = () => String(7_400_000_000_000_000_000n + BigInt(`0x${randomBytes(6).toString('hex')}`));

export const COZE_JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The text of one additional message (`object_string` items' text joined). */
function messageText(message: Obj): string {
  if (message.content_type === 'object_string' && typeof message.content === 'string') {
    try {
      const items = JSON.parse(message.content) as unknown;
      if (Array.isArray(items))
        return items.map((item) => (isObj(item) && typeof item.text === 'string' ? item.text : '')).join('');
    } catch {
      return '';
    }
  }
  return typeof message.content === 'string' ? message.content : '';
}

/** The chat view the shared reply rules read: the additional messages as user / assistant turns. */
export function cozeChatView(body: Obj): ChatRequest {
  const messages = (Array.isArray(body.additional_messages) ? body.additional_messages : [])
    .filter(isObj)
    .map((m): ChatMessage => ({ role: String(m.role), content: messageText(m) }));
  return { messages };
}

/** What the fake bills for a chat body: `input_count` (every additional message) and `output_count` (the answer). */
export function predictCozeUsage(body: unknown): { input: number; output: number } {
  const b = isObj(body) ? body : {};
  const view = cozeChatView(b);
  const reply = chatReplyAs('coze', view);
  const input = estimateTokens((view.messages ?? []).map((m) => String(m.content ?? '')).join(''));
  return { input, output: estimateTokens(reply.kind === 'text' ? reply.text : '') };
}

function decodePart(part: string): Obj | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return isObj(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Coze's protocol: the v3 chat API (stream and polled), and the OAuth JWT token endpoint. */
export function cozeProtocol(opts: FakeCozeOptions = {}): FakeProtocol {
  const nowSeconds = () => Math.floor((opts.now ?? Date.now)() / 1000);
  const tokens = new Map<string, number>();
  const usedJti = new Set<string>();
  const chats = new Map<string, { chat: Obj; messages: Obj[] }>();
  const business = (ex: FakeExchange, code: number, msg: string) =>
    ex.json(200, { code, msg, detail: { logid: randomBytes(10).toString('hex') } });

  function oauthError(ex: FakeExchange, status: number, code: string, message: string) {
    return ex.json(status, { error_code: code, error_message: message, error: code });
  }

  async function token(ex: FakeExchange): Promise<void> {
    const app = opts.jwtApp;
    const auth = String(ex.headers.authorization ?? '');
    const jwt = auth.replace(/^Bearer\s+/i, '');
    const [h, c, s] = jwt.split('.');
    const header = h ? decodePart(h) : undefined;
    const claims = c ? decodePart(c) : undefined;
    if (!app || !header || !claims || !s) return oauthError(ex, 401, 'invalid_client', 'invalid JWT');
    if (header.alg !== 'RS256' || header.kid !== app.keyId)
      return oauthError(ex, 401, 'invalid_client', 'unknown public key id or algorithm');
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${h}.${c}`),
      createPublicKey(app.publicKeyPem),
      Buffer.from(s, 'base64url'),
    );
    if (!signed) return oauthError(ex, 401, 'invalid_client', 'JWT signature verification failed');
    const audience = app.audience ?? String(ex.headers.host ?? '');
    const now = nowSeconds();
    if (claims.iss !== app.appId) return oauthError(ex, 401, 'invalid_client', 'iss is not the app id');
    if (claims.aud !== audience) return oauthError(ex, 401, 'invalid_client', `aud must be ${audience}`);
    if (typeof claims.exp !== 'number' || claims.exp <= now)
      return oauthError(ex, 401, 'invalid_client', 'JWT expired');
    if (typeof claims.iat !== 'number' || claims.iat > now + 60)
      return oauthError(ex, 401, 'invalid_client', 'iat in the future');
    if (typeof claims.jti !== 'string' || claims.jti === '' || usedJti.has(claims.jti))
      return oauthError(ex, 401, 'invalid_client', 'jti missing or already used');
    usedJti.add(claims.jti);
    const body = ex.body;
    if (!isObj(body) || body.grant_type !== COZE_JWT_GRANT)
      return oauthError(
        ex,
        400,
        'unsupported_grant_type',
        `not supported grant type: ${isObj(body) ? String(body.grant_type) : ''}`,
      );
    const duration = typeof body.duration_seconds === 'number' ? body.duration_seconds : 900;
    if (duration <= 0 || duration > 86399)
      return oauthError(ex, 400, 'invalid_request', 'invalid request: duration_seconds');
    const accessToken = `czs_${randomBytes(24).toString('base64url')}`;
    tokens.set(accessToken, now + duration);
    return ex.json(200, { access_token: accessToken, expires_in: now + duration });
  }

  function authorized(ex: FakeExchange): boolean {
    const token = String(ex.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    if (token === '') return false;
    const expiry = tokens.get(token);
    if (expiry !== undefined) return expiry > nowSeconds();
    return opts.personalAccessToken !== undefined
      ? token === opts.personalAccessToken
      : token.startsWith('pat_');
  }

  function validate(body: unknown): string | undefined {
    if (!isObj(body)) return 'invalid parameter: body';
    if (typeof body.bot_id !== 'string' || body.bot_id === '') return 'invalid parameter: bot_id is required';
    if (typeof body.user_id !== 'string' || body.user_id === '')
      return 'invalid parameter: user_id is required';
    for (const m of Array.isArray(body.additional_messages) ? body.additional_messages : []) {
      if (!isObj(m) || (m.role !== 'user' && m.role !== 'assistant'))
        return 'invalid parameter: additional_messages.role';
      if (m.content_type !== 'text' && m.content_type !== 'object_string')
        return 'invalid parameter: additional_messages.content_type';
    }
    return undefined;
  }

  async function chat(ex: FakeExchange): Promise<void> {
    const invalid = validate(ex.body);
    if (invalid) return business(ex, 4000, invalid);
    const body = ex.body as Obj;
    const botId = body.bot_id as string;
    if (opts.bots && !opts.bots.includes(botId))
      return business(ex, 4200, `The bot ${botId} does not exist.`);
    const view = cozeChatView(body);
    const reply = chatReplyAs('coze', view);
    const answer = reply.kind === 'text' ? reply.text : '';
    const usage = predictCozeUsage(body);
    const conversationId = numericId();
    const chatId = numericId();
    const created = nowSeconds();
    const base = { id: chatId, conversation_id: conversationId, bot_id: botId, created_at: created };
    const messageId = numericId();
    const message = (content: string, extra: Obj = {}) => ({
      id: messageId,
      conversation_id: conversationId,
      bot_id: botId,
      chat_id: chatId,
      role: 'assistant',
      type: 'answer',
      content,
      content_type: 'text',
      ...extra,
    });
    const completedChat = {
      ...base,
      completed_at: created + 1,
      last_error: { code: 0, msg: '' },
      status: 'completed',
      usage: {
        token_count: usage.input + usage.output,
        output_count: usage.output,
        input_count: usage.input,
      },
    };
    const verbose = {
      ...message(
        JSON.stringify({ msg_type: 'generate_answer_finish', data: '', from_module: null, from_unit: null }),
      ),
      id: numericId(),
      type: 'verbose',
    };
    if (body.stream !== true) {
      const chat = opts.failChats ? { ...base, last_error: opts.failChats, status: 'failed' } : completedChat;
      chats.set(chatId, { chat, messages: opts.failChats ? [] : [message(answer), verbose] });
      return ex.json(200, {
        code: 0,
        msg: '',
        data: { ...base, last_error: { code: 0, msg: '' }, status: 'in_progress' },
      });
    }
    const frames: SseFrame[] = [];
    const frame = (event: string, data: unknown) =>
      frames.push({ event, data: typeof data === 'string' ? data : JSON.stringify(data) });
    const inProgress = { ...base, last_error: { code: 0, msg: '' }, status: 'in_progress' };
    frame('conversation.chat.created', { ...inProgress, status: 'created' });
    if (opts.failChats) {
      frame('conversation.chat.failed', { ...base, last_error: opts.failChats, status: 'failed' });
      frame('done', '"[DONE]"');
      return ex.sse(frames);
    }
    frame('conversation.chat.in_progress', inProgress);
    for (const piece of textPieces(answer)) frame('conversation.message.delta', message(piece));
    frame('conversation.message.completed', message(answer));
    frame('conversation.message.completed', verbose);
    frame('conversation.chat.completed', completedChat);
    frame('done', '"[DONE]"');
    return ex.sse(frames);
  }

  return {
    async handle(ex) {
      if (ex.path === '/api/permission/oauth2/token' && ex.method === 'POST') return token(ex);
      if (!authorized(ex))
        return business(
          ex,
          4100,
          'authentication is invalid. Please check the token you entered is correct.',
        );
      if (ex.path === '/v3/chat' && ex.method === 'POST') return chat(ex);
      if (ex.path === '/v3/chat/retrieve' || ex.path === '/v3/chat/message/list') {
        const stored = chats.get(ex.query.get('chat_id') ?? '');
        if (!stored) return business(ex, 4000, 'invalid parameter: chat_id');
        return ex.json(200, {
          code: 0,
          msg: '',
          data: ex.path.endsWith('retrieve') ? stored.chat : stored.messages,
        });
      }
      return ex.json(404, { code: 404, msg: `route ${ex.method} ${ex.path} not found` });
    },
    statusFault(ex, status, retryAfterSeconds) {
      const headers = retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
      const [code, msg] =
        status === 429
          ? [4013, 'Your request frequency exceeds the limit. Please try again later.']
          : status === 401
            ? [4100, 'authentication is invalid.']
            : status >= 500
              ? [5000, 'The server encountered an internal error. Please try again later.']
              : [4000, 'invalid parameter'];
      return ex.json(status, { code, msg }, headers);
    },
    error(ex, status, message) {
      return ex.json(status, { code: status >= 500 ? 5000 : 4000, msg: message });
    },
  };
}

/**
 * Starts a fake Coze API on 127.0.0.1: POST /v3/chat (SSE with conversation.* events, or the asynchronous mode with
 * /v3/chat/retrieve and /v3/chat/message/list), business errors as `{code, msg}` with HTTP 200, and
 * POST /api/permission/oauth2/token, which verifies the OAuth JWT app's RS256 signature, kid, iss, aud, exp and jti
 * (single use) before issuing a token. Faults as for every fake.
 */
export function startFakeCoze(opts: FakeCozeOptions = {}): Promise<FakeProvider> {
  return startFakeServer(cozeProtocol(opts), opts);
}
