import { asNumber, isRecord, makeUsage, uncachedInputTokens, type Usage } from '@one-api/llm-core';
import type { AnthropicDeltaUsageWire, AnthropicUsageWire } from './wire-types';

/**
 * Anthropic `usage` → canonical usage (undefined if the value is not a usage object). Anthropic's `input_tokens`
 * excludes cached input, so canonical `inputTokens = input_tokens + cache_creation_input_tokens +
 * cache_read_input_tokens`. Cache writes are split by `cache_creation.ephemeral_5m/1h_input_tokens` when present,
 * otherwise `cache_creation_input_tokens` counts as 5-minute writes. `output_tokens_details.thinking_tokens` gives
 * the reasoning part of the output.
 */
export function fromAnthropicUsage(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const input = asNumber(value.input_tokens);
  const output = asNumber(value.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const cacheRead = asNumber(value.cache_read_input_tokens) ?? 0;
  const creation = asNumber(value.cache_creation_input_tokens) ?? 0;
  let write5m = creation;
  let write1h = 0;
  if (isRecord(value.cache_creation)) {
    const five = asNumber(value.cache_creation.ephemeral_5m_input_tokens) ?? 0;
    const hour = asNumber(value.cache_creation.ephemeral_1h_input_tokens) ?? 0;
    if (five + hour > 0 || creation === 0) {
      write5m = five;
      write1h = hour;
    }
  }
  const details = isRecord(value.output_tokens_details) ? value.output_tokens_details : {};
  return makeUsage({
    inputTokens: (input ?? 0) + creation + cacheRead,
    cacheReadTokens: cacheRead,
    cacheWrite5mTokens: write5m,
    cacheWrite1hTokens: write1h,
    outputTokens: output ?? 0,
    reasoningTokens: asNumber(details.thinking_tokens) ?? 0,
  });
}

/** Canonical usage → Anthropic `usage` (`input_tokens` is the uncached part). */
export function toAnthropicUsage(usage: Usage): AnthropicUsageWire {
  return {
    input_tokens: uncachedInputTokens(usage),
    cache_creation_input_tokens: usage.cacheWrite5mTokens + usage.cacheWrite1hTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWrite5mTokens,
      ephemeral_1h_input_tokens: usage.cacheWrite1hTokens,
    },
    output_tokens: usage.outputTokens,
  };
}

/** Canonical usage → the cumulative `usage` of `message_delta`. */
export function toAnthropicDeltaUsage(usage: Usage): AnthropicDeltaUsageWire {
  return {
    input_tokens: uncachedInputTokens(usage),
    cache_creation_input_tokens: usage.cacheWrite5mTokens + usage.cacheWrite1hTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    output_tokens: usage.outputTokens,
  };
}

/**
 * Folds a `message_delta` usage into the `message_start` one the way the official SDK does: `output_tokens` is
 * replaced, the other counters are replaced only when present and not null.
 */
export function mergeAnthropicUsage(start: unknown, delta: unknown): Record<string, unknown> | undefined {
  const base: Record<string, unknown> = isRecord(start) ? { ...start } : {};
  if (!isRecord(delta)) return isRecord(start) ? base : undefined;
  for (const [key, value] of Object.entries(delta)) {
    if (key === 'output_tokens' || (value !== null && value !== undefined)) base[key] = value;
  }
  return base;
}
