import type { Usage, WireFormat } from '@one-api/llm-core';
import {
  AnthropicStreamUsageTap,
  OpenAiUsageTap,
  ResponsesUsageTap,
  usageFromAnthropicBody,
  usageFromOpenAiBody,
  usageFromResponsesBody,
} from '@one-api/llm-providers';

/** Reads usage (and the generated text, for an estimate) from a stream the gateway forwards unchanged. */
export interface UsageTap {
  push(chunk: Uint8Array | string): void;
  end(): void;
  readonly usage: Usage | undefined;
  readonly completionText: string;
}

export interface PassthroughFormat {
  tap(): UsageTap;
  usageFromBody(text: string): Usage | undefined;
}

/** Per wire format: how to read usage from a passthrough answer or stream. */
export const OPENAI_CHAT_PASSTHROUGH: PassthroughFormat = {
  tap: () => new OpenAiUsageTap({ collectCompletion: true }),
  usageFromBody: usageFromOpenAiBody,
};

export const PASSTHROUGH_FORMATS: Partial<Record<WireFormat, PassthroughFormat>> = {
  'openai-chat': OPENAI_CHAT_PASSTHROUGH,
  'openai-responses': {
    tap: () => new ResponsesUsageTap({ collectCompletion: true }),
    usageFromBody: usageFromResponsesBody,
  },
  'anthropic-messages': {
    tap: () => new AnthropicStreamUsageTap({ collectCompletion: true }),
    usageFromBody: usageFromAnthropicBody,
  },
};
