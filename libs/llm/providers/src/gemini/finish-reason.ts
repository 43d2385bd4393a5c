import type { FinishReason, FinishReasonKind } from '@one-api/llm-core';

const FROM_GEMINI: Readonly<Record<string, FinishReasonKind>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  MODEL_ARMOR: 'content_filter',
  LANGUAGE: 'other',
  OTHER: 'other',
  FINISH_REASON_UNSPECIFIED: 'other',
  NO_IMAGE: 'other',
  IMAGE_OTHER: 'other',
  MALFORMED_FUNCTION_CALL: 'error',
  UNEXPECTED_TOOL_CALL: 'error',
  TOO_MANY_TOOL_CALLS: 'error',
};

/**
 * Gemini `finishReason` → canonical. Gemini answers `STOP` after function calls too, so a candidate that made calls
 * and stopped normally finishes with `tool_calls`. Prompt blocks (`promptFeedback.blockReason`) are content filters.
 */
export function fromGeminiFinishReason(raw: string | null | undefined, madeToolCalls: boolean): FinishReason {
  if (raw === null || raw === undefined || raw === '')
    return { reason: madeToolCalls ? 'tool_calls' : 'stop', raw: null };
  const reason = FROM_GEMINI[raw] ?? 'other';
  return { reason: reason === 'stop' && madeToolCalls ? 'tool_calls' : reason, raw };
}
