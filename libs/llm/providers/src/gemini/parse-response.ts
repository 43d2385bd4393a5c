import { randomBytes } from 'node:crypto';
import {
  GatewayError,
  isRecord,
  type CanonicalChoice,
  type CanonicalResponse,
  type GeneratedImagePart,
  type JsonObject,
  type ResponseContentPart,
} from '@one-api/llm-core';
import { fromGeminiFinishReason } from './finish-reason';
import { parseGeminiError } from './parse-error';
import { toCanonicalSignature } from './signatures';
import { fromGeminiUsage } from './usage';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(length: number): string {
  let out = '';
  for (const byte of randomBytes(length)) out += ALNUM[byte % ALNUM.length];
  return out;
}

/** Gemini gives function calls no id (unless it sends `functionCall.id`): the adapter makes OpenAI-style ones. */
export function geminiToolCallId(): string {
  return `call_${randomAlnum(24)}`;
}

export function geminiResponseId(): string {
  return `gen-${randomAlnum(24)}`;
}

/** `createTime` (RFC 3339, Vertex) in Unix seconds, else now. */
export function geminiCreated(json: JsonObject): number {
  const parsed = typeof json.createTime === 'string' ? Date.parse(json.createTime) : Number.NaN;
  return Number.isNaN(parsed) ? Math.floor(Date.now() / 1000) : Math.floor(parsed / 1000);
}

/** A function call's arguments as JSON text (`args` is an object on the wire; absent means none). */
export function geminiCallArguments(call: JsonObject): string {
  return JSON.stringify(isRecord(call.args) ? call.args : {});
}

/**
 * One Gemini part → canonical parts: thought text → reasoning (its signature kept), a function call → a tool call
 * preceded by an empty reasoning part carrying the call's signature, text → text. A signature on a plain text part
 * (the optional one Gemini 3 adds to answers without calls) is not kept: it would land between text deltas in a
 * stream. An `inlineData` image (image models' output) → a generated image; interim images of thoughts, other inline
 * data, executable code and the like have no canonical form and are skipped.
 */
export function geminiPartToCanonical(part: JsonObject): ResponseContentPart[] {
  const signature =
    typeof part.thoughtSignature === 'string' && part.thoughtSignature !== ''
      ? toCanonicalSignature(part.thoughtSignature)
      : undefined;
  if (isRecord(part.functionCall)) {
    const call = part.functionCall;
    const out: ResponseContentPart[] = [];
    if (signature) out.push({ type: 'reasoning', text: '', signature });
    out.push({
      type: 'tool-call',
      id: typeof call.id === 'string' && call.id !== '' ? call.id : geminiToolCallId(),
      name: typeof call.name === 'string' ? call.name : '',
      arguments: geminiCallArguments(call),
    });
    return out;
  }
  if (part.thought === true) {
    const text = typeof part.text === 'string' ? part.text : '';
    if (text === '' && !signature) return [];
    return [signature ? { type: 'reasoning', text, signature } : { type: 'reasoning', text }];
  }
  if (typeof part.text === 'string' && part.text !== '') return [{ type: 'text', text: part.text }];
  const image = generatedImage(part);
  return image ? [image] : [];
}

/** An `inlineData` image part of the answer (image models asked for IMAGE output) → a generated image. */
function generatedImage(part: JsonObject): GeneratedImagePart | undefined {
  const blob = isRecord(part.inlineData)
    ? part.inlineData
    : isRecord(part.inline_data)
      ? part.inline_data
      : undefined;
  if (!blob) return undefined;
  const mediaType = typeof blob.mimeType === 'string' ? blob.mimeType : blob.mime_type;
  if (typeof mediaType !== 'string' || !/^image\//i.test(mediaType)) return undefined;
  if (typeof blob.data !== 'string' || blob.data === '') return undefined;
  return { type: 'generated-image', mediaType, data: blob.data };
}

/** Adjacent text parts joined, and adjacent unsigned reasoning parts joined (a signed one closes the run). */
function mergeAdjacent(parts: ResponseContentPart[]): ResponseContentPart[] {
  const out: ResponseContentPart[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (last?.type === 'text' && part.type === 'text') {
      out[out.length - 1] = { ...last, text: last.text + part.text };
    } else if (
      last?.type === 'reasoning' &&
      part.type === 'reasoning' &&
      !last.signature &&
      part.text !== ''
    ) {
      out[out.length - 1] = { ...part, text: last.text + part.text };
    } else out.push(part);
  }
  return out;
}

function parseCandidate(candidate: JsonObject, fallbackIndex: number): CanonicalChoice {
  const index = typeof candidate.index === 'number' ? candidate.index : fallbackIndex;
  const content = isRecord(candidate.content) ? candidate.content : {};
  const parts = Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
  const canonical = mergeAdjacent(parts.flatMap(geminiPartToCanonical));
  const madeCalls = canonical.some((part) => part.type === 'tool-call');
  return {
    index,
    content: canonical,
    finishReason: fromGeminiFinishReason(
      typeof candidate.finishReason === 'string' ? candidate.finishReason : null,
      madeCalls,
    ),
  };
}

/**
 * A Gemini `GenerateContentResponse` → canonical response (`candidateCount > 1` → extra choices). A prompt blocked
 * by safety filters (`promptFeedback.blockReason`, no candidates) is an empty answer finished by `content_filter`.
 * A body carrying `{error}` throws.
 */
export function parseGeminiResponse(json: unknown): CanonicalResponse {
  const body = Array.isArray(json) && json.length === 1 ? json[0] : json;
  if (!isRecord(body)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response that is not a JSON object',
    });
  }
  if (body.error !== undefined && body.error !== null) throw parseGeminiError(502, JSON.stringify(body));
  const candidates = Array.isArray(body.candidates) ? body.candidates.filter(isRecord) : [];
  const feedback = isRecord(body.promptFeedback) ? body.promptFeedback : undefined;
  let choices: CanonicalChoice[];
  if (candidates.length > 0) {
    choices = candidates.map(parseCandidate).sort((a, b) => a.index - b.index);
  } else if (feedback && typeof feedback.blockReason === 'string') {
    choices = [
      { index: 0, content: [], finishReason: { reason: 'content_filter', raw: feedback.blockReason } },
    ];
  } else {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response without candidates',
      raw: body,
    });
  }
  const [first, ...rest] = choices;
  const response: CanonicalResponse = {
    id: typeof body.responseId === 'string' && body.responseId !== '' ? body.responseId : geminiResponseId(),
    model: typeof body.modelVersion === 'string' ? body.modelVersion : '',
    created: geminiCreated(body),
    content: first.content,
    finishReason: first.finishReason,
  };
  const usage = fromGeminiUsage(body.usageMetadata);
  if (usage) response.usage = usage;
  if (rest.length > 0) response.extraChoices = rest;
  return response;
}
