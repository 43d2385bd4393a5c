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
