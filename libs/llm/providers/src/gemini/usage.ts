import { asNumber, isRecord, makeUsage, type Usage } from '@one-api/llm-core';

/**
 * Gemini `usageMetadata` → canonical usage. `promptTokenCount` already includes cached content, so it is the input
 * total (plus `toolUsePromptTokenCount`, the results of server-side tools fed back as input);
 * `cachedContentTokenCount` is the cache-read part of it. Output is `candidatesTokenCount` plus
 * `thoughtsTokenCount` — Gemini bills thinking as output but does not count it in candidates. Undefined when the
 * object has no counts.
 */
export function fromGeminiUsage(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const prompt = asNumber(value.promptTokenCount);
  const candidates = asNumber(value.candidatesTokenCount);
  const thoughts = asNumber(value.thoughtsTokenCount);
  const toolUse = asNumber(value.toolUsePromptTokenCount);
  const cached = asNumber(value.cachedContentTokenCount);
  const total = asNumber(value.totalTokenCount);
  if ([prompt, candidates, thoughts, toolUse, cached, total].every((n) => n === undefined)) return undefined;
  const inputTokens = (prompt ?? 0) + (toolUse ?? 0);
  const outputTokens = (candidates ?? 0) + (thoughts ?? 0);
  return makeUsage({
    inputTokens,
    cacheReadTokens: Math.min(cached ?? 0, inputTokens),
    outputTokens,
    reasoningTokens: thoughts ?? 0,
    totalTokens: total ?? inputTokens + outputTokens,
  });
}
