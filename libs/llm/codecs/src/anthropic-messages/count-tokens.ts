import { countTextTokens, estimatePromptTokens } from '@one-api/llm-core';
import { decodeAnthropicMessagesRequest } from './decode-request';
import { ANTHROPIC_SERVER_TOOLS_STATE } from './request-state';
import type { AnthropicTokenCountWire } from './wire-types';

/**
 * `POST /v1/messages/count_tokens`: the input tokens of a Claude Messages body, estimated locally with the gateway's
 * tokenizer (`max_tokens` is not needed; content the canonical model cannot hold is counted as its JSON text, and
 * server tools as their JSON). Pure; throws a GatewayError of kind `invalid-request` for a malformed body.
 */
export function countAnthropicMessagesTokens(body: unknown): AnthropicTokenCountWire {
  const request = decodeAnthropicMessagesRequest(body, { requireMaxTokens: false, lenient: true });
  let tokens = estimatePromptTokens(request);
  const serverTools = request.codecState?.[ANTHROPIC_SERVER_TOOLS_STATE];
  if (Array.isArray(serverTools) && serverTools.length > 0) {
    tokens += countTextTokens(JSON.stringify(serverTools), request.model);
  }
  return { input_tokens: tokens };
}
