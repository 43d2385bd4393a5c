import {
  asNumber,
  isRecord,
  makeUsage,
  type FinishReason,
  type FinishReasonKind,
  type Usage,
} from '@one-api/llm-core';

/**
 * Cohere's `usage` → canonical. `billed_units` is what Cohere charges (it leaves out the prompt template it adds
 * around the messages), so billing follows it; `tokens` (what the model actually saw) is the fallback when a
 * response carries no billed units.
 */
export function fromCohereUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const pick = (group: unknown) =>
    isRecord(group)
      ? { input: asNumber(group.input_tokens), output: asNumber(group.output_tokens) }
      : { input: undefined, output: undefined };
  const billed = pick(usage.billed_units);
  const tokens = pick(usage.tokens);
  const input = billed.input ?? tokens.input;
  const output = billed.output ?? tokens.output;
  if (input === undefined && output === undefined) return undefined;
  return makeUsage({ inputTokens: input ?? 0, outputTokens: output ?? 0 });
}

const FROM_COHERE: Readonly<Record<string, FinishReasonKind>> = {
  COMPLETE: 'stop',
  STOP_SEQUENCE: 'stop',
  MAX_TOKENS: 'length',
  TOOL_CALL: 'tool_calls',
  ERROR: 'error',
  TIMEOUT: 'error',
};

/** Cohere `finish_reason` → canonical; the raw value is kept. */
export function fromCohereFinishReason(raw: unknown, madeToolCalls: boolean): FinishReason {
  if (typeof raw !== 'string' || raw === '')
    return { reason: madeToolCalls ? 'tool_calls' : 'stop', raw: null };
  return { reason: FROM_COHERE[raw] ?? 'other', raw };
}
