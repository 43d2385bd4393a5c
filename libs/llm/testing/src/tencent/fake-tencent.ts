import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FakeExchange } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import { chatReply, replyCompletionTokens } from '../openai/chat-reply';
import { wordPieces } from '../openai/ids';
import type { ChatRequest } from '../openai/types';
import { chatPromptTokens } from '../openai/usage';

export interface FakeTencentOptions extends FakeServerOptions {
  secretId: string;
  secretKey: string;
  /** Largest accepted clock difference, seconds (Tencent: 300). */
  maxSkewSeconds?: number;
}

const NOTE = '以上内容为AI生成，不代表开发者立场，请勿删除或修改本标记';

function header(ex: FakeExchange, name: string): string {
  const value = ex.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function tencentError(ex: FakeExchange, code: string, message: string): Promise<void> {
  return ex.json(200, { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } });
}

/**
 * Why the request's TC3-HMAC-SHA256 signature is refused, or undefined when valid: the credential scope, the signed
 * headers and the signature are recomputed from the Host and Content-Type headers, the raw body and X-TC-Timestamp
 * as received.
 */
export function tc3Problem(
  ex: FakeExchange,
  opts: FakeTencentOptions,
  nowSeconds = Date.now() / 1000,
): string | undefined {
  const match =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      header(ex, 'authorization'),
    );
  if (!match) return 'AuthFailure.InvalidAuthorization';
  const [, secretId, date, service, signedHeaders, signature] = match;
  if (secretId !== opts.secretId) return 'AuthFailure.SecretIdNotFound';
  const timestamp = Number(header(ex, 'x-tc-timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > (opts.maxSkewSeconds ?? 300))
    return 'AuthFailure.SignatureExpire';
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date || service !== 'hunyuan')
    return 'AuthFailure.SignatureFailure';
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((name) => `${name}:${header(ex, name).trim().toLowerCase()}\n`).join('');
  const bodyHash = createHash('sha256').update(ex.rawBody).digest('hex');
  const canonical = ['POST', '/', '', canonicalHeaders, signedHeaders, bodyHash].join('\n');
  const stringToSign = [
    'TC3-HMAC-SHA256',
    String(timestamp),
    `${date}/${service}/tc3_request`,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let key = createHmac('sha256', `TC3${opts.secretKey}`).update(date).digest();
  for (const part of [service, 'tc3_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'))
    ? undefined
    : 'AuthFailure.SignatureFailure';
}

interface HunyuanToolCall {
  Id: string;
  Type: string;
  Function: { Name: string; Arguments: string };
}

interface HunyuanBody {
  Model?: string;
  Messages?: Array<{ Role: string; Content: string; ToolCalls?: HunyuanToolCall[]; ToolCallId?: string }>;
  Stream?: boolean;
  Tools?: Array<{ Type: string; Function: { Name: string; Description?: string; Parameters?: string } }>;
  ToolChoice?: string;
  CustomTool?: { Function: { Name: string } };
}

/** The Hunyuan body as the OpenAI Chat request the shared reply logic reads. */
function asChatRequest(body: HunyuanBody): ChatRequest {
  return {
    model: body.Model,
    messages: (body.Messages ?? []).map((m) => ({
      role: m.Role,
      content: m.Content,
      ...(m.ToolCalls
        ? {
            tool_calls: m.ToolCalls.map((c) => ({
              id: c.Id,
              type: 'function',
              function: { name: c.Function.Name, arguments: c.Function.Arguments },
            })),
          }
        : {}),
      ...(m.ToolCallId ? { tool_call_id: m.ToolCallId } : {}),
    })) as ChatRequest['messages'],
    ...(body.Tools
      ? {
          tools: body.Tools.map((t) => ({
            type: 'function',
            function: {
              name: t.Function.Name,
              description: t.Function.Description,
              parameters: JSON.parse(t.Function.Parameters ?? '{}') as Record<string, unknown>,
            },
          })) as ChatRequest['tools'],
        }
      : {}),
    ...(body.ToolChoice === 'custom' && body.CustomTool
      ? { tool_choice: { type: 'function', function: { name: body.CustomTool.Function.Name } } }
      : body.ToolChoice
        ? { tool_choice: body.ToolChoice as 'auto' | 'none' }
        : {}),
  };
}

/** Tencent Cloud API v3 `ChatCompletions` of Hunyuan (2023-09-01) with TC3 signature checks. */
export function tencentProtocol(opts: FakeTencentOptions): FakeProtocol {
  return {
    async handle(ex) {
      if (ex.method !== 'POST' || ex.path !== '/') return tencentError(ex, 'InvalidAction', 'unknown path');
      const problem = tc3Problem(ex, opts);
      if (problem) return tencentError(ex, problem, 'The provided credentials could not be validated.');
      if (header(ex, 'x-tc-action') !== 'ChatCompletions' || header(ex, 'x-tc-version') !== '2023-09-01')
        return tencentError(ex, 'InvalidAction', 'the action or version is not supported');
      const body = (ex.body ?? {}) as HunyuanBody;
      if (typeof body.Model !== 'string' || !Array.isArray(body.Messages) || body.Messages.length === 0)
        return tencentError(ex, 'InvalidParameter', 'Messages is required');
      const chat = asChatRequest(body);
      const reply = chatReply(chat);
      const text = reply.kind === 'text' ? reply.text : '';
      const toolCalls =
        reply.kind === 'tool_calls'
          ? reply.toolCalls.map((c, index) => ({
              Id: c.id,
              Type: 'function',
              Index: index,
              Function: { Name: c.name, Arguments: c.arguments },
            }))
          : undefined;
      const prompt = chatPromptTokens(chat);
      const completion = replyCompletionTokens(reply);
      const usage = { PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion };
      const id = randomUUID();
      const created = Math.floor(Date.now() / 1000);
      if (!body.Stream)
        return ex.json(200, {
          Response: {
            RequestId: id,
            Note: NOTE,
            Choices: [
              {
                FinishReason: reply.finishReason,
                Message: { Role: 'assistant', Content: text, ...(toolCalls ? { ToolCalls: toolCalls } : {}) },
              },
            ],
            Created: created,
            Id: id,
            Usage: usage,
          },
        });
      if (toolCalls)
        return ex.sse([
          JSON.stringify({
            Note: NOTE,
            Choices: [
              {
                Delta: { Role: 'assistant', Content: '', ToolCalls: toolCalls },
                FinishReason: reply.finishReason,
              },
            ],
            Created: created,
            Id: id,
            Usage: usage,
          }),
        ]);
      const pieces = [...wordPieces(text), ''];
      return ex.sse(
        pieces.map((piece, i) =>
          JSON.stringify({
            Note: NOTE,
            Choices: [
              {
                Delta: { Role: 'assistant', Content: piece },
                FinishReason: i === pieces.length - 1 ? 'stop' : '',
              },
            ],
            Created: created,
            Id: id,
            Usage: usage,
          }),
        ),
      );
    },
    statusFault: (ex, status) =>
      ex.json(status, {
        Response: {
          Error: { Code: status === 429 ? 'LimitExceeded' : 'InternalError', Message: `fault ${status}` },
        },
      }),
    error: (ex, status, message) =>
      ex.json(status, { Response: { Error: { Code: 'InternalError', Message: message } } }),
  };
}

export function startFakeTencent(opts: FakeTencentOptions): Promise<FakeProvider> {
  return startFakeServer(tencentProtocol(opts), opts);
}
