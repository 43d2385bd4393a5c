/**
 * The parts of OpenAI request bodies the fake reads. Loose on purpose: the fake must accept whatever a gateway
 * forwards, so every field is optional and checked at runtime.
 */
export interface ChatContentPart {
  type?: string;
  text?: string;
  refusal?: string;
  image_url?: { url?: string } | string;
}

export interface ChatToolCall {
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

export interface ChatMessage {
  role?: string;
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
}

export interface ChatTool {
  type?: string;
  function?: { name?: string; description?: string; parameters?: unknown; strict?: boolean };
}

export type ChatToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type?: 'function'; function?: { name?: string } }
  | { type?: 'allowed_tools'; allowed_tools?: { mode?: 'auto' | 'required'; tools?: ChatTool[] } };

export interface ChatRequest {
  model?: string;
  messages?: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: { type?: string; json_schema?: { name?: string; schema?: unknown; strict?: boolean } };
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
}

export interface CompletionRequest {
  model?: string;
  prompt?: string | string[] | number[] | number[][] | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  stop?: string | string[] | null;
}

export interface EmbeddingRequest {
  model?: string;
  input?: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
}

export interface ModerationRequest {
  model?: string;
  input?: string | string[] | Array<{ type?: string; text?: string; image_url?: { url?: string } }>;
}

/** OpenAI's `usage` object on chat and legacy completions. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}
