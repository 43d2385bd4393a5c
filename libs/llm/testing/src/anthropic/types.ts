/**
 * The parts of Anthropic Messages request bodies the fake reads. Loose on purpose: the fake must accept whatever a
 * gateway forwards, so every field is optional and checked at runtime.
 */
export interface AnthropicCacheControl {
  type?: string;
  ttl?: string;
}

export interface AnthropicBlock {
  type?: string;
  text?: string;
  thinking?: string;
  signature?: string;
  data?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | AnthropicBlock[];
  is_error?: boolean;
  source?: { type?: string; data?: string; url?: string; media_type?: string; content?: unknown };
  cache_control?: AnthropicCacheControl | null;
}

export interface AnthropicMessage {
  role?: string;
  content?: string | AnthropicBlock[];
}

export interface AnthropicTool {
  type?: string;
  name?: string;
  description?: string;
  input_schema?: unknown;
  cache_control?: AnthropicCacheControl | null;
}

export interface AnthropicToolChoice {
  type?: string;
  name?: string;
  disable_parallel_tool_use?: boolean;
}

export interface MessagesRequest {
  model?: string;
  max_tokens?: number;
  messages?: AnthropicMessage[];
  system?: string | AnthropicBlock[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: { type?: string; budget_tokens?: number; display?: string };
  output_config?: { effort?: string; format?: { type?: string; schema?: unknown } };
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stream?: boolean;
  metadata?: { user_id?: string };
  cache_control?: AnthropicCacheControl | null;
}

/** Anthropic's `usage` object as the fake reports it. */
export interface AnthropicUsageBody {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
}
