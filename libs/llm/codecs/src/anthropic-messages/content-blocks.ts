import { tryParseJson, type ResponseContentPart } from '@one-api/llm-core';
import type { AnthropicResponseBlockWire } from './wire-types';

/** Tool arguments (JSON text) → a `tool_use.input` object; empty or non-object arguments give `{}`. */
export function toolInputOf(args: string): unknown {
  if (args.trim() === '') return {};
  const parsed = tryParseJson(args);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : {};
}

/** Why a generated image is missing from a Claude answer (assistant content has no `image` block). */
export const GENERATED_IMAGE_DROPPED =
  'a generated image was dropped: Claude Messages answers cannot carry image blocks';

/**
 * Canonical response parts → Anthropic content blocks: reasoning → `thinking` (signature '' when the upstream
 * gave none) or `redacted_thinking`; adjacent text parts join into one `text` block; tool calls → `tool_use`.
 * Generated images are dropped (an `image` block is not valid assistant output) and reported through `warn`.
 */
export function toAnthropicContent(
  parts: ResponseContentPart[],
  warn?: (message: string) => void,
): AnthropicResponseBlockWire[] {
  const blocks: AnthropicResponseBlockWire[] = [];
  for (const part of parts) {
    const last = blocks[blocks.length - 1];
    if (part.type === 'text') {
      if (last && last.type === 'text') last.text += part.text;
      else blocks.push({ type: 'text', text: part.text });
    } else if (part.type === 'reasoning') {
      if (part.redacted) blocks.push({ type: 'redacted_thinking', data: part.text });
      else blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature ?? '' });
    } else if (part.type === 'generated-image') {
      warn?.(GENERATED_IMAGE_DROPPED);
    } else {
      blocks.push({ type: 'tool_use', id: part.id, name: part.name, input: toolInputOf(part.arguments) });
    }
  }
  return blocks;
}

/** Anthropic message ids start with `msg_`; another upstream's id is prefixed so clients see a familiar shape. */
export function anthropicMessageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id.replace(/^chatcmpl-/, '')}`;
}
