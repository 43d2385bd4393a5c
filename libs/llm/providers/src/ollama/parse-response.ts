import { randomBytes } from 'node:crypto';
import {
  asNumber,
  GatewayError,
  isRecord,
  makeUsage,
  type CanonicalResponse,
  type FinishReason,
  type JsonObject,
  type ResponseContentPart,
  type Usage,
} from '@one-api/llm-core';
import { parseOllamaError } from './parse-error';

/** Ollama gives tool calls no id (older versions) — the adapter makes OpenAI-style ones. */
export function ollamaToolCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}

export function ollamaResponseId(): string {
  return `chatcmpl-${randomBytes(12).toString('hex')}`;
}

export function ollamaCreated(json: JsonObject): number {
  const parsed = typeof json.created_at === 'string' ? Date.parse(json.created_at) : Number.NaN;
  return Number.isNaN(parsed) ? Math.floor(Date.now() / 1000) : Math.floor(parsed / 1000);
}

/** A tool call `{function: {name, arguments: {...}}}` → canonical (arguments are an object on the wire). */
export function ollamaToolCall(call: JsonObject): ResponseContentPart {
  const fn = isRecord(call.function) ? call.function : {};
  const args = fn.arguments;
  return {
    type: 'tool-call',
    id: typeof call.id === 'string' && call.id !== '' ? call.id : ollamaToolCallId(),
    name: typeof fn.name === 'string' ? fn.name : '',
    arguments: typeof args === 'string' ? args : JSON.stringify(isRecord(args) ? args : {}),
  };
}

/**
 * `prompt_eval_count` / `eval_count` → usage. Ollama leaves `prompt_eval_count` out when the whole prompt came from
 * its cache; then there is no usage, and the relay estimates rather than billing a free prompt.
 */
export function ollamaUsage(json: JsonObject): Usage | undefined {
  const input = asNumber(json.prompt_eval_count);
  const output = asNumber(json.eval_count);
  if (input === undefined || output === undefined) return undefined;
  return makeUsage({ inputTokens: input, outputTokens: output });
}

export function ollamaFinishReason(raw: unknown, madeToolCalls: boolean): FinishReason {
  const value = typeof raw === 'string' && raw !== '' ? raw : null;
  if (madeToolCalls && (value === null || value === 'stop')) return { reason: 'tool_calls', raw: value };
  if (value === null || value === 'stop') return { reason: 'stop', raw: value };
  return { reason: value === 'length' ? 'length' : 'other', raw: value };
}

/** A non-stream `/api/chat` answer → canonical: `message.thinking` is reasoning, tool calls get ids. */
export function parseOllamaResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response that is not a JSON object',
    });
  }
  if (typeof json.error === 'string') throw parseOllamaError(502, JSON.stringify(json));
  const message = isRecord(json.message) ? json.message : undefined;
  if (!message)
    throw new GatewayError({ kind: 'upstream', message: 'upstream returned no message', raw: json });
  const content: ResponseContentPart[] = [];
  if (typeof message.thinking === 'string' && message.thinking !== '')
    content.push({ type: 'reasoning', text: message.thinking });
  if (typeof message.content === 'string' && message.content !== '')
    content.push({ type: 'text', text: message.content });
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord) : [];
  for (const call of calls) content.push(ollamaToolCall(call));
  const response: CanonicalResponse = {
    id: ollamaResponseId(),
    model: typeof json.model === 'string' ? json.model : '',
    created: ollamaCreated(json),
    content,
    finishReason: ollamaFinishReason(json.done_reason, calls.length > 0),
  };
  const usage = ollamaUsage(json);
  if (usage) response.usage = usage;
  return response;
}
