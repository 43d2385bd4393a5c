/**
 * The Anthropic Messages wire format (the fields the gateway reads or writes), after the official
 * `@anthropic-ai/sdk` types (resources/messages) and the API reference.
 */

export interface AnthropicCacheControlWire {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface AnthropicCacheCreationWire {
  ephemeral_5m_input_tokens: number;
  ephemeral_1h_input_tokens: number;
}

/** `usage` of a message (and of `message_start`). `input_tokens` counts only uncached input. */
export interface AnthropicUsageWire {
  input_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
  cache_creation?: AnthropicCacheCreationWire | null;
  output_tokens: number;
  output_tokens_details?: { thinking_tokens: number } | null;
  service_tier?: string | null;
}

/** `usage` of `message_delta`: cumulative totals; null / absent fields keep the `message_start` value. */
export interface AnthropicDeltaUsageWire {
  input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens: number;
  output_tokens_details?: { thinking_tokens: number } | null;
}

export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

export interface AnthropicTextBlockWire {
  type: 'text';
  text: string;
}

export interface AnthropicThinkingBlockWire {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingBlockWire {
  type: 'redacted_thinking';
  data: string;
}

export interface AnthropicToolUseBlockWire {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export type AnthropicResponseBlockWire =
  | AnthropicTextBlockWire
  | AnthropicThinkingBlockWire
  | AnthropicRedactedThinkingBlockWire
  | AnthropicToolUseBlockWire;

/** The `message` object of a non-stream answer and of `message_start`. */
export interface AnthropicMessageWire {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlockWire[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsageWire;
}

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/** `{"type":"error","error":{"type","message"}}` — the body of every error and the data of the `error` event. */
export interface AnthropicErrorWire {
  type: 'error';
  error: { type: AnthropicErrorType | (string & {}); message: string };
  request_id?: string | null;
}

/** The names of the SSE events of a streamed message, in the order Anthropic sends them. */
export type AnthropicStreamEventName =
  | 'message_start'
  | 'content_block_start'
  | 'ping'
  | 'content_block_delta'
  | 'content_block_stop'
  | 'message_delta'
  | 'message_stop'
  | 'error';

/** `{input_tokens}` of `POST /v1/messages/count_tokens`. */
export interface AnthropicTokenCountWire {
  input_tokens: number;
}
