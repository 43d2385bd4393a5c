import { randomId, wordPieces } from '../openai/ids';
import { type GeminiReply, geminiReply } from './reply';
import { FAKE_PNG_BASE64 } from '../openai/images';
import { candidateCountOf, geminiUsageMetadata, wantsImageOutput } from './usage';
import { fakeThoughtSignature } from './validate';
import type { Json } from './wire';

export interface GeminiResponseMeta {
  responseId: string;
  modelVersion: string;
}

export function geminiResponseMeta(model: string): GeminiResponseMeta {
  return { responseId: randomId(22), modelVersion: model };
}

/** A non-thought signature on the final text part, as Gemini 3 sends it on answers without calls. */
const TEXT_SIGNATURE = fakeThoughtSignature('');

/** Usage the fake reports for `body` (the same on the non-stream body and the final stream chunk). */
export function predictGeminiUsage(
  body: unknown,
  options: { model?: string; cachedTokens?: number } = {},
): Json {
  const withModel = options.model === undefined ? body : { ...(body as Json), model: options.model };
  return geminiUsageMetadata(withModel, geminiReply(withModel), options.cachedTokens ?? 0);
}

/** The parts of one candidate: thought (with includeThoughts), then the text or the calls (first one signed). */
export function replyParts(reply: GeminiReply): Json[] {
  const parts: Json[] = [];
  if (reply.includeThoughts && reply.thought !== undefined)
    parts.push({ text: reply.thought, thought: true });
  if (reply.kind === 'function_calls') {
    reply.calls.forEach((call, i) => {
      const part: Json = { functionCall: { name: call.name, args: call.args } };
      if (i === 0 && reply.thought !== undefined) part.thoughtSignature = fakeThoughtSignature(call.name);
      parts.push(part);
    });
  } else if (reply.kind === 'text') {
    const part: Json = { text: reply.text };
    if (reply.thought !== undefined) part.thoughtSignature = TEXT_SIGNATURE;
    parts.push(part);
  }
  return parts;
}

function candidates(body: unknown, parts: Json[] | undefined, finishReason: string | undefined): Json[] {
  const n = candidateCountOf(body);
  return Array.from({ length: n }, (_, index) => {
    const candidate: Json = {};
    if (parts !== undefined) candidate.content = { parts, role: 'model' };
    if (finishReason !== undefined) candidate.finishReason = finishReason;
    candidate.index = index;
    return candidate;
  });
}

/** The `GenerateContentResponse` of a non-streamed answer. */
export function generateContentBody(
  body: unknown,
  reply: GeminiReply,
  meta: GeminiResponseMeta,
  cachedTokens: number,
): Json {
  const usageMetadata = geminiUsageMetadata(body, reply, cachedTokens);
  if (reply.kind === 'blocked')
    return {
      promptFeedback: { blockReason: 'SAFETY' },
      usageMetadata,
      modelVersion: meta.modelVersion,
      responseId: meta.responseId,
    };
  const parts = reply.kind === 'unsafe' ? undefined : replyParts(reply);
  if (parts && wantsImageOutput(body))
    parts.push({ inlineData: { mimeType: 'image/png', data: FAKE_PNG_BASE64 } });
  return {
    candidates: candidates(body, parts, reply.finishReason),
    usageMetadata,
    modelVersion: meta.modelVersion,
    responseId: meta.responseId,
  };
}

/**
 * The chunks of `streamGenerateContent`: the thought first (with includeThoughts), then the text one word per chunk
 * or one chunk per function call, then the generated image when IMAGE output was asked of an image model; every chunk carries a partial `usageMetadata` (prompt only) and the last one
 * carries `finishReason` and the complete usage. Each chunk is a whole `GenerateContentResponse`.
 */
export function generateContentChunks(
  body: unknown,
  reply: GeminiReply,
  meta: GeminiResponseMeta,
  cachedTokens: number,
): Json[] {
  const usage = geminiUsageMetadata(body, reply, cachedTokens);
  const partial: Json = {
    promptTokenCount: usage.promptTokenCount,
    totalTokenCount: usage.promptTokenCount,
    promptTokensDetails: usage.promptTokensDetails,
  };
  const chunk = (parts: Json[] | undefined, finishReason?: string, final = false): Json => ({
    candidates: candidates(body, parts, finishReason),
    usageMetadata: final ? usage : partial,
    modelVersion: meta.modelVersion,
    responseId: meta.responseId,
  });
  if (reply.kind === 'blocked') return [generateContentBody(body, reply, meta, cachedTokens)];
  if (reply.kind === 'unsafe') return [chunk(undefined, 'SAFETY', true)];
  const pieces: Json[][] = [];
  const all = replyParts(reply);
  for (const part of all) {
    if (part.thought === true || part.functionCall !== undefined) pieces.push([part]);
    else {
      const words = wordPieces(part.text as string);
      words.forEach((word, i) => {
        const piece: Json = { text: word };
        if (i === words.length - 1 && part.thoughtSignature !== undefined)
          piece.thoughtSignature = part.thoughtSignature;
        pieces.push([piece]);
      });
      if (words.length === 0) pieces.push([{ ...part }]);
    }
  }
  // An image model asked for IMAGE output sends its image whole, in a chunk of its own after the text.
  if (wantsImageOutput(body)) pieces.push([{ inlineData: { mimeType: 'image/png', data: FAKE_PNG_BASE64 } }]);
  return pieces.map((parts, i) =>
    i === pieces.length - 1 ? chunk(parts, reply.finishReason, true) : chunk(parts),
  );
}
