import { estimateTokens } from '../openai/usage';
import type { GeminiReply } from './reply';
import { contentsOf, field, isJson, type Json, partsOf, str } from './wire';

/**
 * The fake's token arithmetic, exported so tests can predict every `usageMetadata` number:
 *   tokens(text) = max(1, ceil(text.length / 4))
 *   promptTokenCount = tokens(system text + every part's text, function call name + JSON args, function response
 *                      name + JSON response) + 258 per inline or file media part (Gemini's per-image cost)
 *   candidatesTokenCount = tokens(reply text), or tokens(name + JSON args of every call); × candidateCount
 *   thoughtsTokenCount = tokens(thought text) when the model thinks (thinking models, budget not 0)
 *   cachedContentTokenCount = the `cachedTokens` option, else half the prompt when the body names `cachedContent`
 *   totalTokenCount = prompt + candidates + thoughts
 */
export const GEMINI_MEDIA_TOKENS = 258;

/** Output tokens of one generated image (Gemini's 1290 for a 1024x1024 image of gemini-2.5-flash-image). */
export const GEMINI_OUTPUT_IMAGE_TOKENS = 1290;

/**
 * Image output: an image model (its id contains `image`) asked for `responseModalities` with `IMAGE` answers one
 * inline PNG part per candidate after its text (non-streamed answers), and counts its tokens in the candidates.
 */
export function wantsImageOutput(body: unknown): boolean {
  const model = str(field(body, 'model')) ?? '';
  const modalities = field(field(body, 'generationConfig'), 'responseModalities');
  return (
    /image/i.test(model) &&
    Array.isArray(modalities) &&
    modalities.some((m) => String(m).toUpperCase() === 'IMAGE')
  );
}

function partText(part: Json): string {
  const text = str(field(part, 'text'));
  if (text !== undefined) return text;
  const call = field(part, 'functionCall');
  if (isJson(call)) return (str(field(call, 'name')) ?? '') + JSON.stringify(field(call, 'args') ?? {});
  const response = field(part, 'functionResponse');
  if (isJson(response))
    return (str(field(response, 'name')) ?? '') + JSON.stringify(field(response, 'response') ?? {});
  return '';
}

function isMedia(part: Json): boolean {
  return field(part, 'inlineData') !== undefined || field(part, 'fileData') !== undefined;
}

/** Prompt tokens of a generateContent (or countTokens) body. */
export function geminiPromptTokens(body: unknown): { text: number; media: number; total: number } {
  const parts = [
    ...partsOf(field(body, 'systemInstruction')),
    ...contentsOf(body).flatMap((c) => partsOf(c)),
  ];
  const text = estimateTokens(parts.map(partText).join(''));
  const media = parts.filter(isMedia).length * GEMINI_MEDIA_TOKENS;
  return { text, media, total: text + media };
}

export function replyCandidateTokens(reply: GeminiReply): number {
  if (reply.kind === 'blocked' || reply.kind === 'unsafe') return 0;
  if (reply.kind === 'text') return estimateTokens(reply.text);
  return estimateTokens(reply.calls.map((call) => call.name + JSON.stringify(call.args)).join(''));
}

export function candidateCountOf(body: unknown): number {
  const n = field(field(body, 'generationConfig'), 'candidateCount');
  return typeof n === 'number' && Number.isInteger(n) && n > 1 ? n : 1;
}

/** The complete `usageMetadata` the fake reports for `body` answered with `reply` (final stream chunk included). */
export function geminiUsageMetadata(body: unknown, reply: GeminiReply, cachedTokens = 0): Json {
  const prompt = geminiPromptTokens(body);
  const details: Json[] = [{ modality: 'TEXT', tokenCount: prompt.text }];
  if (prompt.media > 0) details.push({ modality: 'IMAGE', tokenCount: prompt.media });
  const usage: Json = { promptTokenCount: prompt.total };
  if (reply.kind === 'blocked') {
    usage.totalTokenCount = prompt.total;
    usage.promptTokensDetails = details;
    return usage;
  }
  const n = candidateCountOf(body);
  const textCandidates = replyCandidateTokens(reply) * n;
  const imageCandidates = wantsImageOutput(body) ? GEMINI_OUTPUT_IMAGE_TOKENS * n : 0;
  const candidates = textCandidates + imageCandidates;
  const thoughts =
    reply.thought !== undefined && reply.kind !== 'unsafe' ? estimateTokens(reply.thought) * n : 0;
  const cached = Math.min(Math.max(0, Math.floor(cachedTokens)), prompt.total);
  if (candidates > 0) usage.candidatesTokenCount = candidates;
  usage.totalTokenCount = prompt.total + candidates + thoughts;
  if (cached > 0) usage.cachedContentTokenCount = cached;
  usage.promptTokensDetails = details;
  if (cached > 0) usage.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: cached }];
  if (thoughts > 0) usage.thoughtsTokenCount = thoughts;
  if (imageCandidates > 0)
    usage.candidatesTokensDetails = [
      { modality: 'TEXT', tokenCount: textCandidates },
      { modality: 'IMAGE', tokenCount: imageCandidates },
    ];
  return usage;
}
