/**
 * Token usage, split into the buckets billing prices separately.
 *
 * Conventions (every adapter converts to them):
 * - `inputTokens` counts ALL prompt tokens, cached reads and cache writes included (OpenAI `prompt_tokens` style);
 *   `cacheReadTokens`, `cacheWrite5mTokens` and `cacheWrite1hTokens` are parts of it. Uncached input is
 *   `inputTokens - cacheReadTokens - cacheWrite5mTokens - cacheWrite1hTokens`.
 * - `outputTokens` counts all generated tokens, reasoning included; `reasoningTokens` is the part of it spent thinking.
 * - `totalTokens = inputTokens + outputTokens` unless the provider reported another total.
 */
export interface Usage {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  /** Audio part of `inputTokens` (OpenAI `prompt_tokens_details.audio_tokens`); absent when none. */
  inputAudioTokens?: number;
  /** Audio part of `outputTokens` (OpenAI `completion_tokens_details.audio_tokens`); absent when none. */
  outputAudioTokens?: number;
}

export function makeUsage(partial: Partial<Usage>): Usage {
  const inputTokens = partial.inputTokens ?? 0;
  const outputTokens = partial.outputTokens ?? 0;
  return {
    inputTokens,
    cacheReadTokens: partial.cacheReadTokens ?? 0,
    cacheWrite5mTokens: partial.cacheWrite5mTokens ?? 0,
    cacheWrite1hTokens: partial.cacheWrite1hTokens ?? 0,
    outputTokens,
    reasoningTokens: partial.reasoningTokens ?? 0,
    totalTokens: partial.totalTokens ?? inputTokens + outputTokens,
    // Audio buckets only when there are some, so text-only usages keep their exact shape.
    ...(partial.inputAudioTokens ? { inputAudioTokens: partial.inputAudioTokens } : {}),
    ...(partial.outputAudioTokens ? { outputAudioTokens: partial.outputAudioTokens } : {}),
  };
}

/** Input tokens that were neither read from nor written to a cache. */
export function uncachedInputTokens(usage: Usage): number {
  return Math.max(
    0,
    usage.inputTokens - usage.cacheReadTokens - usage.cacheWrite5mTokens - usage.cacheWrite1hTokens,
  );
}
