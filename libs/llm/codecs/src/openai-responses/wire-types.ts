/**
 * The OpenAI Responses API wire format (`POST /v1/responses`): the fields the gateway reads or writes.
 * Checked against the official `openai` SDK types (resources/responses/responses.d.ts, openai@6).
 */

export interface ResponsesUsageWire {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface ResponsesOutputTextWire {
  type: 'output_text';
  annotations: unknown[];
  logprobs: unknown[];
  text: string;
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface ResponsesMessageItemWire {
  id: string;
  type: 'message';
  status: ItemStatus;
  content: ResponsesOutputTextWire[];
  role: 'assistant';
}

export interface ResponsesFunctionCallItemWire {
  id: string;
  type: 'function_call';
  status: ItemStatus;
  arguments: string;
  call_id: string;
  name: string;
}

/** A call of a `custom` (free-form input) tool. */
export interface ResponsesCustomToolCallItemWire {
  id: string;
  type: 'custom_tool_call';
  call_id: string;
  input: string;
  name: string;
}

export interface ResponsesSummaryTextWire {
  type: 'summary_text';
  text: string;
}

export interface ResponsesReasoningItemWire {
  id: string;
  type: 'reasoning';
  summary: ResponsesSummaryTextWire[];
  encrypted_content?: string;
  status?: ItemStatus;
}

/** A generated image, as the hosted `image_generation` tool reports it: `result` is the image in base64. */
export interface ResponsesImageGenerationCallItemWire {
  id: string;
  type: 'image_generation_call';
  status: 'in_progress' | 'completed' | 'generating' | 'failed';
  result: string | null;
  /** `png`, `jpeg`, `webp` (from the image's media type) */
  output_format?: string;
}

export type ResponsesOutputItemWire =
  | ResponsesMessageItemWire
  | ResponsesFunctionCallItemWire
  | ResponsesCustomToolCallItemWire
  | ResponsesReasoningItemWire
  | ResponsesImageGenerationCallItemWire;

export type ResponsesStatus = 'completed' | 'failed' | 'in_progress' | 'cancelled' | 'queued' | 'incomplete';

/** `response.error` (a failed response) — not the HTTP error envelope. */
export interface ResponsesErrorWire {
  code: string;
  message: string;
}

/** The `response` object (`object: "response"`), as returned by create/retrieve and carried by stream events. */
export interface ResponsesObjectWire {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponsesStatus;
  background: boolean;
  error: ResponsesErrorWire | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: unknown;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  model: string;
  output: ResponsesOutputItemWire[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  prompt_cache_key: string | null;
  reasoning: unknown;
  safety_identifier: string | null;
  service_tier: string | null;
  store: boolean;
  temperature: number | null;
  text: unknown;
  tool_choice: unknown;
  tools: unknown[];
  top_logprobs: number | null;
  top_p: number | null;
  truncation: string | null;
  usage: ResponsesUsageWire | null;
  user: string | null;
  metadata: Record<string, string>;
}
