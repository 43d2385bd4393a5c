import type { FinishReason, FinishReasonKind } from '@one-api/llm-core';
import type { AnthropicStopReason } from './wire-types';

const FROM_ANTHROPIC: Readonly<Record<string, FinishReasonKind>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  pause_turn: 'other',
};

const ANTHROPIC_STOP_REASONS: ReadonlySet<string> = new Set(Object.keys(FROM_ANTHROPIC));

/** Anthropic `stop_reason` → canonical (`end_turn`/`stop_sequence` → stop, `max_tokens` → length, `tool_use` → tool_calls). */
export function fromAnthropicStopReason(raw: string | null | undefined): FinishReason {
  if (raw === null || raw === undefined || raw === '') return { reason: 'stop', raw: null };
  return { reason: FROM_ANTHROPIC[raw] ?? 'other', raw };
}

/**
 * Canonical finish reason → Anthropic `stop_reason`: an Anthropic value in `raw` that agrees with the reason is kept
 * (`stop_sequence`, `refusal`, `pause_turn`, ...); otherwise stop → `end_turn`, length → `max_tokens`,
 * tool_calls → `tool_use`, content_filter → `stop_sequence` (as One API), anything else → `end_turn`.
 */
export function toAnthropicStopReason(finish: FinishReason): AnthropicStopReason {
  const raw = finish.raw;
  if (raw !== null && ANTHROPIC_STOP_REASONS.has(raw) && FROM_ANTHROPIC[raw] === finish.reason) {
    return raw as AnthropicStopReason;
  }
  switch (finish.reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'stop_sequence';
    default:
      return 'end_turn';
  }
}
