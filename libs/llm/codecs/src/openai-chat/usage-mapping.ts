import { asNumber, isRecord, makeUsage, type Usage } from '@one-api/llm-core';
import type { OpenAiUsageWire } from './wire-types';

/** Canonical usage → OpenAI `usage` object, with the detail objects OpenAI always sends. */
export function toOpenAiUsage(usage: Usage): OpenAiUsageWire {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: {
      cached_tokens: usage.cacheReadTokens,
      audio_tokens: usage.inputAudioTokens ?? 0,
    },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: usage.outputAudioTokens ?? 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/**
 * OpenAI (or OpenAI-compatible) `usage` → canonical usage; undefined if the value is not a usage object.
 * Cached reads come from `prompt_tokens_details.cached_tokens`, or the vendor spellings
 * `prompt_cache_hit_tokens` (DeepSeek) and top-level `cached_tokens` (Moonshot);
 * cache writes from `prompt_tokens_details.cache_write_tokens` (OpenRouter).
 */
export function fromOpenAiUsage(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const prompt = asNumber(value.prompt_tokens);
  const completion = asNumber(value.completion_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const promptDetails = isRecord(value.prompt_tokens_details) ? value.prompt_tokens_details : {};
  const completionDetails = isRecord(value.completion_tokens_details) ? value.completion_tokens_details : {};
  const cacheRead =
    asNumber(promptDetails.cached_tokens) ??
    asNumber(value.prompt_cache_hit_tokens) ??
    asNumber(value.cached_tokens) ??
    0;
  const inputTokens = prompt ?? 0;
  const outputTokens = completion ?? 0;
  return makeUsage({
    inputTokens,
    outputTokens,
    cacheReadTokens: cacheRead,
    cacheWrite5mTokens: asNumber(promptDetails.cache_write_tokens) ?? 0,
    reasoningTokens: asNumber(completionDetails.reasoning_tokens) ?? 0,
    totalTokens: asNumber(value.total_tokens) ?? inputTokens + outputTokens,
    inputAudioTokens: asNumber(promptDetails.audio_tokens) ?? 0,
    outputAudioTokens: asNumber(completionDetails.audio_tokens) ?? 0,
  });
}
