import { makeUsage, type CanonicalResponse, type EncodeContext } from '@one-api/llm-core';
import { anthropicMessageId, toAnthropicContent } from './content-blocks';
import { toAnthropicStopReason } from './stop-reason';
import { toAnthropicUsage } from './usage-mapping';
import type { AnthropicMessageWire } from './wire-types';

/** Canonical response → an Anthropic `message` object (choices beyond the first are not representable). */
export function encodeAnthropicMessagesResponse(
  response: CanonicalResponse,
  ctx: EncodeContext,
): AnthropicMessageWire {
  return {
    id: anthropicMessageId(response.id),
    type: 'message',
    role: 'assistant',
    model: ctx.model ?? response.model,
    content: toAnthropicContent(response.content, ctx.warn),
    stop_reason: toAnthropicStopReason(response.finishReason),
    stop_sequence: null,
    usage: toAnthropicUsage(response.usage ?? makeUsage({})),
  };
}
