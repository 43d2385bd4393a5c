import type { FakeExchange } from '../core/exchange';
import { type ChatReply, chatReply, replyCompletionTokens } from './chat-reply';
import { missingParameter, openAIError, type OpenAIErrorResponse } from './errors';
import { fixedPieces, responseMeta, type ResponseMeta, SYSTEM_FINGERPRINT, wordPieces } from './ids';
import type { ChatRequest } from './types';
import { chatAudioTokens, type ChatAudioTokens, chatPromptTokens, chatUsageBody, usageOf } from './usage';

const TOOL_ARGUMENT_PIECE = 12;

/**
 * Usage the fake reports for `req` (the same numbers on the non-stream body and the stream's usage chunk). Audio
 * tokens (see chatAudioTokens) are parts of the prompt and completion counts, as OpenAI counts them.
 */
export function predictChatUsage(req: ChatRequest, reply: ChatReply = chatReply(req)) {
  const completion = replyCompletionTokens(reply);
  const audio = chatAudioTokens(req, completion);
  return usageOf(chatPromptTokens(req) + audio.input, completion + audio.output);
}

/** The audio tokens inside predictChatUsage's counts. */
export function predictChatAudioTokens(req: ChatRequest, reply: ChatReply = chatReply(req)): ChatAudioTokens {
  return chatAudioTokens(req, replyCompletionTokens(reply));
}

export function validateChatRequest(req: ChatRequest): OpenAIErrorResponse | undefined {
  if (typeof req.model !== 'string' || req.model === '') return missingParameter('model');
  if (!Array.isArray(req.messages)) return missingParameter('messages');
  if (req.messages.length === 0) {
    return openAIError(
      400,
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'invalid_request_error',
      'messages',
      'empty_array',
    );
  }
  // As OpenAI: every message must be an object with a role (the fake would otherwise crash reading it).
  const bad = (req.messages as unknown[]).findIndex(
    (m) =>
      m === null ||
      typeof m !== 'object' ||
      Array.isArray(m) ||
      typeof (m as { role?: unknown }).role !== 'string',
  );
  if (bad !== -1) {
    const m = (req.messages as unknown[])[bad];
    return openAIError(
      400,
      m !== null && typeof m === 'object' && !Array.isArray(m)
        ? `Missing required parameter: 'messages[${bad}].role'.`
        : `Invalid type for 'messages[${bad}]': expected an object, but got ${m === null ? 'null' : Array.isArray(m) ? 'an array' : `a ${typeof m}`} instead.`,
      'invalid_request_error',
      `messages[${bad}]`,
      'invalid_type',
    );
  }
  if (req.stream_options != null && req.stream !== true) {
    return openAIError(
      400,
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'invalid_request_error',
      'stream_options',
    );
  }
  return undefined;
}

/** The non-stream `chat.completion` object. */
export function chatCompletionBody(
  req: ChatRequest,
  reply: ChatReply,
  meta: ResponseMeta,
): Record<string, unknown> {
  const audio = predictChatAudioTokens(req, reply);
  const message =
    reply.kind === 'text' && audio.output > 0
      ? {
          role: 'assistant',
          content: null,
          refusal: null,
          annotations: [],
          // A spoken answer: the audio and its transcript instead of text content.
          audio: {
            id: `audio_${meta.id.slice(-24)}`,
            data: Buffer.from(reply.text).toString('base64'),
            expires_at: meta.created + 3600,
            transcript: reply.text,
          },
        }
      : reply.kind === 'text'
        ? { role: 'assistant', content: reply.text, refusal: null, annotations: [] }
        : {
            role: 'assistant',
            content: null,
            tool_calls: reply.toolCalls.map((c) => ({
              id: c.id,
              type: 'function',
              function: { name: c.name, arguments: c.arguments },
            })),
            refusal: null,
            annotations: [],
          };
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason }],
    usage: chatUsageBody(predictChatUsage(req, reply), audio),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/**
 * The `chat.completion.chunk` events of a streamed answer, serialised (without `[DONE]`): a role chunk, content
 * (one word per chunk) or tool-call deltas (name first, then arguments in pieces), a finish chunk with an empty
 * delta, and — with `stream_options.include_usage` — a final usage chunk whose `choices` is `[]` (every earlier
 * chunk then carries `"usage": null`).
 */
export function chatCompletionChunks(req: ChatRequest, reply: ChatReply, meta: ResponseMeta): string[] {
  const includeUsage = req.stream_options?.include_usage === true;
  const chunk = (choices: unknown[], usage?: unknown): string =>
    JSON.stringify({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
      ...(includeUsage ? { usage: usage ?? null } : {}),
    });
  const delta = (d: Record<string, unknown>, finish: string | null = null): string =>
    chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);

  const out: string[] = [];
  if (reply.kind === 'text') {
    out.push(delta({ role: 'assistant', content: '', refusal: null }));
    for (const piece of wordPieces(reply.text)) out.push(delta({ content: piece }));
  } else {
    reply.toolCalls.forEach((call, index) => {
      const head = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
      out.push(
        index === 0
          ? delta({ role: 'assistant', content: null, tool_calls: [head], refusal: null })
          : delta({ tool_calls: [head] }),
      );
      for (const piece of fixedPieces(call.arguments, TOOL_ARGUMENT_PIECE)) {
        out.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    });
  }
  out.push(delta({}, reply.finishReason));
  if (includeUsage)
    out.push(chunk([], chatUsageBody(predictChatUsage(req, reply), predictChatAudioTokens(req, reply))));
  return out;
}

export async function handleChatCompletions(
  ex: FakeExchange,
  send: (e: OpenAIErrorResponse) => Promise<void>,
) {
  const req = (ex.body ?? {}) as ChatRequest;
  const invalid = validateChatRequest(req);
  if (invalid) return send(invalid);
  const reply = chatReply(req);
  const meta = responseMeta('chatcmpl', req.model as string);
  if (req.stream === true) return ex.sse(chatCompletionChunks(req, reply, meta), '[DONE]');
  return ex.json(200, chatCompletionBody(req, reply, meta));
}
