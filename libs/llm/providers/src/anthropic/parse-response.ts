import { randomUUID } from 'node:crypto';
import { GatewayError, isRecord, type CanonicalResponse, type ResponseContentPart } from '@one-api/llm-core';
import { fromAnthropicStopReason, fromAnthropicUsage } from '@one-api/llm-codecs';
import { parseAnthropicError } from './parse-error';

export function generatedMessageId(): string {
  return `msg_${randomUUID().replace(/-/g, '')}`;
}

/**
 * Anthropic content blocks → canonical parts: text; thinking → reasoning with its signature; redacted_thinking →
 * redacted reasoning; tool_use → tool call with the input as JSON text. Server-side blocks (server_tool_use,
 * web_search_tool_result, ...) have no canonical form and are skipped.
 */
export function anthropicContentParts(content: unknown): ResponseContentPart[] {
  const parts: ResponseContentPart[] = [];
  if (!Array.isArray(content)) return parts;
  content.forEach((block, i) => {
    if (!isRecord(block)) return;
    switch (block.type) {
      case 'text':
        if (typeof block.text === 'string') parts.push({ type: 'text', text: block.text });
        break;
      case 'thinking': {
        const part: ResponseContentPart = {
          type: 'reasoning',
          text: typeof block.thinking === 'string' ? block.thinking : '',
        };
        if (typeof block.signature === 'string' && block.signature !== '') part.signature = block.signature;
        parts.push(part);
        break;
      }
      case 'redacted_thinking':
        if (typeof block.data === 'string')
          parts.push({ type: 'reasoning', text: block.data, redacted: true });
        break;
      case 'tool_use':
        parts.push({
          type: 'tool-call',
          id: typeof block.id === 'string' && block.id !== '' ? block.id : `toolu_${i}`,
          name: typeof block.name === 'string' ? block.name : '',
          arguments: JSON.stringify(block.input ?? {}),
        });
        break;
      default:
        break;
    }
  });
  return parts;
}

/** An Anthropic `message` body → canonical response. A `{"type":"error"}` body throws a GatewayError. */
export function parseAnthropicResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response that is not a JSON object',
    });
  }
  if (json.type === 'error' || (json.error !== undefined && json.error !== null)) {
    throw parseAnthropicError(502, JSON.stringify(json));
  }
  if (!Array.isArray(json.content)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a message without content',
      raw: json,
    });
  }
  const response: CanonicalResponse = {
    id: typeof json.id === 'string' && json.id !== '' ? json.id : generatedMessageId(),
    model: typeof json.model === 'string' ? json.model : '',
    created: Math.floor(Date.now() / 1000),
    content: anthropicContentParts(json.content),
    finishReason: fromAnthropicStopReason(typeof json.stop_reason === 'string' ? json.stop_reason : null),
  };
  const usage = fromAnthropicUsage(json.usage);
  if (usage) response.usage = usage;
  return response;
}
