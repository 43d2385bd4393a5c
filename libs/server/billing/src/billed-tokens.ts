import type { Usage } from '@one-api/llm-core';
import type { UsageTokens } from './pricing';

/** A provider's usage as the tokens billing prices (every bucket kept). */
export function billedTokens(usage: Usage): UsageTokens {
  return {
    promptTokens: usage.inputTokens,
    completionTokens: usage.outputTokens,
    cacheReadTokens: usage.cacheReadTokens,
    cacheWrite5mTokens: usage.cacheWrite5mTokens,
    cacheWrite1hTokens: usage.cacheWrite1hTokens,
    reasoningTokens: usage.reasoningTokens,
  };
}

/**
 * The usage details a consume log keeps beyond prompt / completion tokens (the fork's `logs.metadata`): cache writes
 * by TTL and reasoning tokens; undefined when there are none.
 */
export function usageLogMetadata(usage: UsageTokens): string | undefined {
  const details: Record<string, number> = {};
  if (usage.cacheWrite5mTokens) details.cache_write_5m_tokens = usage.cacheWrite5mTokens;
  if (usage.cacheWrite1hTokens) details.cache_write_1h_tokens = usage.cacheWrite1hTokens;
  if (usage.reasoningTokens) details.reasoning_tokens = usage.reasoningTokens;
  return Object.keys(details).length ? JSON.stringify(details) : undefined;
}
