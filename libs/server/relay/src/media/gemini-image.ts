import type { Response } from 'express';
import {
  countTextTokens,
  type CanonicalRequest,
  type GatewayError,
  isRecord,
  tryParseJson,
  type UpstreamAdapter,
} from '@one-api/llm-core';
import { GEMINI_IMAGE_TOKEN_PRICES, geminiImageQuota } from '@one-api/server-billing';
import type { UpstreamResponse } from '../upstream-client.service';
import type { MediaAttemptContext, MediaCharge, MediaUpstreamRequest } from './media-relay.service';
import { upstreamChannelOf } from './media-relay.service';

/** Output tokens Gemini counts for one generated 1024x1024 image; the hold assumes this many per image. */
const IMAGE_OUTPUT_TOKENS = 1290;

/** Gemini channels serve image generation with their image models (gemini-2.5-flash-image). */
export function geminiServesImages(context: MediaAttemptContext): boolean {
  return context.adapter?.format === 'gemini' && /image/i.test(context.upstreamModel);
}

/**
 * `generateContent` asking for image output: the prompt as the user turn, `responseModalities: [TEXT, IMAGE]` and one
 * candidate per requested image. Built by the Gemini adapter (URL, key, safety settings), then given the modalities.
 */
export function geminiImageRequest(
  context: MediaAttemptContext & { adapter: UpstreamAdapter },
  prompt: string,
  n: number,
): MediaUpstreamRequest {
  const request: CanonicalRequest = {
    model: context.upstreamModel,
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
    sampling: {},
    stream: false,
  };
  const http = context.adapter.buildRequest(request, upstreamChannelOf(context.channel));
  const body = JSON.parse(http.body) as Record<string, unknown>;
  const config = isRecord(body.generationConfig) ? body.generationConfig : {};
  body.generationConfig = {
    ...config,
    responseModalities: ['TEXT', 'IMAGE'],
    ...(n > 1 ? { candidateCount: n } : {}),
  };
  return { url: http.url, headers: http.headers, body: JSON.stringify(body) };
}

export function geminiImageError(context: MediaAttemptContext, status: number, text: string): GatewayError {
  return (context.adapter as UpstreamAdapter).parseError(status, text);
}

interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  candidatesTokensDetails?: Array<{ modality?: string; tokenCount?: number }>;
}

/** What an image request will cost at most (the hold): the prompt plus IMAGE_OUTPUT_TOKENS per image. */
export function geminiImageHold(
  model: string,
  prompt: string,
  n: number,
  groupRatio: number,
): number | undefined {
  const prices = GEMINI_IMAGE_TOKEN_PRICES[model];
  if (!prices) return undefined;
  return geminiImageQuota(
    prices,
    { input: countTextTokens(prompt, model), textOutput: 0, imageOutput: IMAGE_OUTPUT_TOKENS * n },
    groupRatio,
  );
}

/**
 * Answers in OpenAI's images shape — `{created, data: [{b64_json, revised_prompt?}], usage}` from the inline image
 * parts (the text parts become revised_prompt) — and prices the token buckets of `usageMetadata`.
 */
export async function geminiImageAnswer(
  response: UpstreamResponse,
  res: Response,
  model: string,
  fallbackRatio: number,
  groupRatio: number,
): Promise<MediaCharge> {
  const json = tryParseJson(await response.body.text());
  const candidates = isRecord(json) && Array.isArray(json.candidates) ? json.candidates : [];
  const data: Array<Record<string, string>> = [];
  for (const candidate of candidates) {
    const parts = isRecord(candidate) && isRecord(candidate.content) ? candidate.content.parts : undefined;
    if (!Array.isArray(parts)) continue;
    const text = parts
      .map((p) => (isRecord(p) && typeof p.text === 'string' && p.thought !== true ? p.text : ''))
      .join('');
    for (const part of parts) {
      const inline = isRecord(part) ? part.inlineData : undefined;
      if (isRecord(inline) && typeof inline.data === 'string')
        data.push({ b64_json: inline.data, ...(text ? { revised_prompt: text } : {}) });
    }
  }
  const usage = (isRecord(json) && isRecord(json.usageMetadata) ? json.usageMetadata : {}) as GeminiUsage;
  const input = usage.promptTokenCount ?? 0;
  const output = usage.candidatesTokenCount ?? 0;
  const imageOutput = (usage.candidatesTokensDetails ?? [])
    .filter((d) => d.modality === 'IMAGE')
    .reduce((sum, d) => sum + (d.tokenCount ?? 0), 0);
  res.status(200).json({
    created: Math.floor(Date.now() / 1000),
    data,
    usage: {
      total_tokens: input + output,
      input_tokens: input,
      output_tokens: output,
      input_tokens_details: { text_tokens: input, image_tokens: 0 },
    },
  });
  const tokens = { input, textOutput: Math.max(0, output - imageOutput), imageOutput };
  const prices = GEMINI_IMAGE_TOKEN_PRICES[model];
  const quota = prices
    ? geminiImageQuota(prices, tokens, groupRatio)
    : input + output > 0
      ? Math.max(1, Math.ceil((input + output) * fallbackRatio * groupRatio - 1e-9))
      : 0;
  return {
    quota,
    promptTokens: input,
    completionTokens: output,
    note: `gemini image: input ${input}, text out ${tokens.textOutput}, image out ${imageOutput} tokens; group ratio ${groupRatio}`,
  };
}
