/** The OpenAI Chat Completions wire format (the fields the gateway reads or writes). */

export interface OpenAiUsageWire {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: {
    cached_tokens?: number;
    audio_tokens?: number;
    cache_write_tokens?: number;
  } | null;
  completion_tokens_details?: {
    reasoning_tokens?: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
  } | null;
}

export interface OpenAiToolCallWire {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A generated image in an assistant message or delta (OpenRouter's convention for image-output models). */
export interface OpenAiGeneratedImageWire {
  type: 'image_url';
  image_url: { url: string };
}

export interface OpenAiResponseMessageWire {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  annotations: unknown[];
  tool_calls?: OpenAiToolCallWire[];
  function_call?: { name: string; arguments: string };
  reasoning_content?: string;
  reasoning?: string;
  thinking?: { content: string; signature?: string };
  images?: OpenAiGeneratedImageWire[];
}

export interface OpenAiChoiceWire {
  index: number;
  message: OpenAiResponseMessageWire;
  logprobs: unknown;
  finish_reason: string | null;
}

export interface OpenAiChatCompletionWire {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: OpenAiChoiceWire[];
  usage?: OpenAiUsageWire;
  system_fingerprint?: string;
  service_tier?: string;
}

export interface OpenAiDeltaToolCallWire {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface OpenAiDeltaWire {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: OpenAiDeltaToolCallWire[];
  function_call?: { name?: string; arguments?: string };
  reasoning_content?: string;
  reasoning?: string;
  thinking?: { content?: string; signature?: string };
  images?: OpenAiGeneratedImageWire[];
}

export interface OpenAiChunkChoiceWire {
  index: number;
  delta: OpenAiDeltaWire;
  logprobs: unknown;
  finish_reason: string | null;
}

export interface OpenAiChatCompletionChunkWire {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: OpenAiChunkChoiceWire[];
  system_fingerprint?: string;
  service_tier?: string;
  usage?: OpenAiUsageWire | null;
}

export interface OpenAiErrorWire {
  error: { message: string; type: string; param: string | null; code: string | null };
}
