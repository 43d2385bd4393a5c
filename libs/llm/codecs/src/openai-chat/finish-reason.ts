import type { FinishReason, FinishReasonKind } from '@one-api/llm-core';

const FROM_OPENAI: Readonly<Record<string, FinishReasonKind>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
  // Vendor spellings seen on OpenAI-compatible APIs.
  eos: 'stop',
  stop_sequence: 'stop',
  end_turn: 'stop',
  max_tokens: 'length',
  model_length: 'length',
  tool_use: 'tool_calls',
  sensitive: 'content_filter',
  insufficient_system_resource: 'error',
  error: 'error',
};

export function fromOpenAiFinishReason(raw: string | null | undefined): FinishReason {
  if (raw === null || raw === undefined) return { reason: 'stop', raw: null };
  return { reason: FROM_OPENAI[raw] ?? 'other', raw };
}

/** Canonical finish reason → OpenAI `finish_reason`; `legacyFunctions` answers `function_call` for tool calls. */
export function toOpenAiFinishReason(finish: FinishReason, legacyFunctions = false): string {
  switch (finish.reason) {
    case 'stop':
    case 'length':
    case 'content_filter':
      return finish.reason;
    case 'tool_calls':
      return legacyFunctions ? 'function_call' : 'tool_calls';
    default:
      return finish.raw ?? 'stop';
  }
}
