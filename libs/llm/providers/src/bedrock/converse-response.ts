import { randomUUID } from 'node:crypto';
import {
  asNumber,
  GatewayError,
  isRecord,
  makeUsage,
  type CanonicalResponse,
  type FinishReason,
  type FinishReasonKind,
  type ResponseContentPart,
  type Usage,
} from '@one-api/llm-core';

const STOP_REASONS: Readonly<Record<string, FinishReasonKind>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
  malformed_model_output: 'error',
  malformed_tool_use: 'error',
};

/** Converse `stopReason` → canonical finish reason, the raw value kept. */
export function fromConverseStopReason(raw: unknown): FinishReason {
  if (typeof raw !== 'string' || raw === '') return { reason: 'stop', raw: null };
  return { reason: STOP_REASONS[raw] ?? 'other', raw };
}

/**
 * Converse `usage` → canonical usage. Bedrock's `inputTokens` leaves out the tokens read from or written to the
 * prompt cache (its `totalTokens` adds them back), so they are added to the input here.
 */
export function fromConverseUsage(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const input = asNumber(value.inputTokens);
  const output = asNumber(value.outputTokens);
  if (input === undefined && output === undefined) return undefined;
  const cacheRead = asNumber(value.cacheReadInputTokens) ?? 0;
  const cacheWrite = asNumber(value.cacheWriteInputTokens) ?? 0;
  const inputTokens = (input ?? 0) + cacheRead + cacheWrite;
  const outputTokens = output ?? 0;
  return makeUsage({
    inputTokens,
    cacheReadTokens: cacheRead,
    cacheWrite5mTokens: cacheWrite,
    outputTokens,
    totalTokens: asNumber(value.totalTokens) ?? inputTokens + outputTokens,
  });
}

export function generatedConverseId(): string {
  // Converse answers carry no id; the caller's format needs one.
  return `msg_bdrk_${randomUUID().replace(/-/g, '')}`;
}

/** Converse content blocks → canonical parts (text, reasoning with signature or redacted, tool use). */
export function converseContentParts(content: unknown): ResponseContentPart[] {
  const parts: ResponseContentPart[] = [];
  if (!Array.isArray(content)) return parts;
  content.forEach((block, i) => {
    if (!isRecord(block)) return;
    if (typeof block.text === 'string') {
      parts.push({ type: 'text', text: block.text });
    } else if (isRecord(block.toolUse)) {
      const use = block.toolUse;
      parts.push({
        type: 'tool-call',
        id: typeof use.toolUseId === 'string' && use.toolUseId !== '' ? use.toolUseId : `tooluse_${i}`,
        name: typeof use.name === 'string' ? use.name : '',
        arguments: JSON.stringify(use.input ?? {}),
      });
    } else if (isRecord(block.reasoningContent)) {
      const reasoning = block.reasoningContent;
      if (isRecord(reasoning.reasoningText)) {
        const text = reasoning.reasoningText;
        const part: ResponseContentPart = {
          type: 'reasoning',
          text: typeof text.text === 'string' ? text.text : '',
        };
        if (typeof text.signature === 'string' && text.signature !== '') part.signature = text.signature;
        parts.push(part);
      } else if (typeof reasoning.redactedContent === 'string') {
        parts.push({ type: 'reasoning', text: reasoning.redactedContent, redacted: true });
      }
    }
    // cachePoint, citationsContent, guardContent and blocks added later have no canonical form
  });
  return parts;
}

/** A Converse answer → canonical response. A body that is not one (e.g. an error object) throws a GatewayError. */
export function parseConverseResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response that is not a JSON object',
    });
  }
  const message = isRecord(json.output) && isRecord(json.output.message) ? json.output.message : undefined;
  if (!message) {
    const text = typeof json.message === 'string' && json.message !== '' ? json.message : undefined;
    throw new GatewayError({
      kind: 'upstream',
      message: text ?? 'upstream returned a Converse answer without output.message',
      raw: json,
    });
  }
  const response: CanonicalResponse = {
    id: generatedConverseId(),
    model: '',
    created: Math.floor(Date.now() / 1000),
    content: converseContentParts(message.content),
    finishReason: fromConverseStopReason(json.stopReason),
  };
  const usage = fromConverseUsage(json.usage);
  if (usage) response.usage = usage;
  return response;
}
