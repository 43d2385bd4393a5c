import { randomBytes } from 'node:crypto';
import {
  GatewayError,
  isRecord,
  type CanonicalResponse,
  type JsonObject,
  type ResponseContentPart,
} from '@one-api/llm-core';
import { fromCohereFinishReason, fromCohereUsage } from './usage';

export function cohereResponseId(): string {
  return `cohere-${randomBytes(12).toString('hex')}`;
}

/** A tool call of a Cohere message (`{id, type: 'function', function: {name, arguments}}`) → canonical. */
export function cohereToolCall(call: JsonObject): ResponseContentPart {
  const fn = isRecord(call.function) ? call.function : {};
  const args = fn.arguments;
  return {
    type: 'tool-call',
    id: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${randomBytes(12).toString('hex')}`,
    name: typeof fn.name === 'string' ? fn.name : '',
    arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
  };
}

/**
 * A Cohere v2 chat response → canonical. `message.content` holds `text` and (reasoning models) `thinking` items;
 * `tool_plan` — the model's stated plan before its tool calls — is reasoning too. A body that is an error
 * (`{message}` without `message.role`) throws.
 */
export function parseCohereResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response that is not a JSON object',
    });
  }
  const message = json.message;
  if (!isRecord(message)) {
    const text = typeof message === 'string' ? message : 'upstream returned a response without a message';
    throw new GatewayError({ kind: 'upstream', message: text, raw: json });
  }
  const content: ResponseContentPart[] = [];
  if (typeof message.tool_plan === 'string' && message.tool_plan !== '')
    content.push({ type: 'reasoning', text: message.tool_plan });
  for (const item of Array.isArray(message.content) ? message.content.filter(isRecord) : []) {
    if (item.type === 'thinking' && typeof item.thinking === 'string')
      content.push({ type: 'reasoning', text: item.thinking });
    else if (item.type === 'text' && typeof item.text === 'string' && item.text !== '') {
      const last = content[content.length - 1];
      if (last?.type === 'text') content[content.length - 1] = { ...last, text: last.text + item.text };
      else content.push({ type: 'text', text: item.text });
    }
  }
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord) : [];
  for (const call of calls) content.push(cohereToolCall(call));
  const response: CanonicalResponse = {
    id: typeof json.id === 'string' && json.id !== '' ? json.id : cohereResponseId(),
    model: typeof json.model === 'string' ? json.model : '',
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: fromCohereFinishReason(json.finish_reason, calls.length > 0),
  };
  const usage = fromCohereUsage(json.usage);
  if (usage) response.usage = usage;
  return response;
}
