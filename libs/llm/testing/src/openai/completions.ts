import type { FakeExchange } from '../core/exchange';
import { quote } from './chat-reply';
import { missingParameter, openAIError, type OpenAIErrorResponse } from './errors';
import { responseMeta, type ResponseMeta, SYSTEM_FINGERPRINT, wordPieces } from './ids';
import { limitText } from './limits';
import type { CompletionRequest, CompletionUsage } from './types';
import { estimateTokens, inputItems, inputTokens, usageOf } from './usage';

/** Legacy completions answer each prompt with this prefix and the quoted prompt. */
export const COMPLETION_PREFIX = 'Hello! This is fake-openai completing: ';

export interface CompletionChoiceReply {
  text: string;
  finishReason: 'stop' | 'length';
}

/** One choice per prompt (a string, a token array, or a list of either). No default max_tokens cap. */
export function completionReply(req: CompletionRequest): CompletionChoiceReply[] {
  return inputItems(req.prompt).map((prompt) => {
    const quoted = typeof prompt === 'string' ? quote(prompt) : `[${prompt.length} tokens]`;
    return limitText(COMPLETION_PREFIX + quoted, req.stop, req.max_tokens);
  });
}

export function predictCompletionUsage(
  req: CompletionRequest,
  choices: CompletionChoiceReply[] = completionReply(req),
): CompletionUsage {
  return usageOf(
    inputTokens(req.prompt),
    choices.reduce((sum, c) => sum + estimateTokens(c.text), 0),
  );
}

export function textCompletionBody(
  req: CompletionRequest,
  choices: CompletionChoiceReply[],
  meta: ResponseMeta,
): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'text_completion',
    created: meta.created,
    model: meta.model,
    choices: choices.map((c, index) => ({
      text: c.text,
      index,
      logprobs: null,
      finish_reason: c.finishReason,
    })),
    usage: predictCompletionUsage(req, choices),
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/** Stream events of a legacy completion (without `[DONE]`); usage chunk with `choices: []` on include_usage. */
export function textCompletionChunks(
  req: CompletionRequest,
  choices: CompletionChoiceReply[],
  meta: ResponseMeta,
): string[] {
  const includeUsage = req.stream_options?.include_usage === true;
  const chunk = (list: unknown[], usage?: unknown) =>
    JSON.stringify({
      id: meta.id,
      object: 'text_completion',
      created: meta.created,
      model: meta.model,
      choices: list,
      system_fingerprint: SYSTEM_FINGERPRINT,
      ...(includeUsage ? { usage: usage ?? null } : {}),
    });
  const out: string[] = [];
  choices.forEach((c, index) => {
    for (const piece of wordPieces(c.text)) {
      out.push(chunk([{ text: piece, index, logprobs: null, finish_reason: null }]));
    }
    out.push(chunk([{ text: '', index, logprobs: null, finish_reason: c.finishReason }]));
  });
  if (includeUsage) out.push(chunk([], predictCompletionUsage(req, choices)));
  return out;
}

export async function handleCompletions(ex: FakeExchange, send: (e: OpenAIErrorResponse) => Promise<void>) {
  const req = (ex.body ?? {}) as CompletionRequest;
  if (typeof req.model !== 'string' || req.model === '') return send(missingParameter('model'));
  if (req.prompt === undefined || req.prompt === null) return send(missingParameter('prompt'));
  if (req.stream_options != null && req.stream !== true) {
    return send(
      openAIError(
        400,
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'invalid_request_error',
        'stream_options',
      ),
    );
  }
  const choices = completionReply(req);
  const meta = responseMeta('cmpl', req.model);
  if (req.stream === true) return ex.sse(textCompletionChunks(req, choices, meta), '[DONE]');
  return ex.json(200, textCompletionBody(req, choices, meta));
}
