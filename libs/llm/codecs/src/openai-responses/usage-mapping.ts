import { asNumber, isRecord, makeUsage, type Usage } from '@one-api/llm-core';
import type { ResponsesUsageWire } from './wire-types';

/**
 * Canonical usage → Responses `usage`. Both count cached input inside `input_tokens` and reasoning inside
 * `output_tokens`, so the numbers carry over; cache writes have no field of their own and stay inside input.
 */
export function toResponsesUsage(usage: Usage): ResponsesUsageWire {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.totalTokens,
  };
}

/** Responses `usage` → canonical usage; undefined when the value is not a usage object. */
export function fromResponsesUsage(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const input = asNumber(value.input_tokens);
  const output = asNumber(value.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const inputDetails = isRecord(value.input_tokens_details) ? value.input_tokens_details : {};
  const outputDetails = isRecord(value.output_tokens_details) ? value.output_tokens_details : {};
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  return makeUsage({
    inputTokens,
    outputTokens,
    cacheReadTokens: asNumber(inputDetails.cached_tokens) ?? 0,
    reasoningTokens: asNumber(outputDetails.reasoning_tokens) ?? 0,
    totalTokens: asNumber(value.total_tokens) ?? inputTokens + outputTokens,
  });
}
