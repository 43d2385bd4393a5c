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
import { parseReplicateError } from './parse-error';
import { toolCallsInText } from './prompt';

export function replicateToolCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}

/** Language models answer an array of text pieces (a plain string from a few older ones). */
export function predictionText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return output.map((piece) => (typeof piece === 'string' ? piece : '')).join('');
  return '';
}

/** `metrics.input_token_count` / `output_token_count` → usage; absent counts leave the estimate to the relay. */
export function predictionUsage(prediction: JsonObject): Usage | undefined {
  const metrics = isRecord(prediction.metrics) ? prediction.metrics : {};
  const input = asNumber(metrics.input_token_count);
  const output = asNumber(metrics.output_token_count);
  if (input === undefined || output === undefined) return undefined;
  return makeUsage({ inputTokens: input, outputTokens: output });
}

/** Replicate reports no finish reason: an output as long as the token limit it was given is taken as cut. */
export function predictionFinish(prediction: JsonObject, madeToolCalls: boolean): FinishReason {
  if (madeToolCalls) return { reason: 'tool_calls', raw: null };
  const input = isRecord(prediction.input) ? prediction.input : {};
  const limit = asNumber(input.max_tokens) ?? asNumber(input.max_new_tokens);
  const produced = isRecord(prediction.metrics) ? asNumber(prediction.metrics.output_token_count) : undefined;
  if (limit !== undefined && produced !== undefined && produced >= limit)
    return { reason: 'length', raw: null };
  return { reason: 'stop', raw: null };
}

export function predictionCreated(prediction: JsonObject): number {
  const parsed = typeof prediction.created_at === 'string' ? Date.parse(prediction.created_at) : Number.NaN;
  return Number.isNaN(parsed) ? Math.floor(Date.now() / 1000) : Math.floor(parsed / 1000);
}

/** The text of a reply as canonical parts: a `{"tool_call": …}` reply becomes tool calls, anything else text. */
export function replyParts(text: string): ResponseContentPart[] {
  const calls = toolCallsInText(text, replicateToolCallId);
  if (calls) return calls;
  return text === '' ? [] : [{ type: 'text', text }];
}

/**
 * A finished prediction (what the exchange hook hands over) → canonical. A failed or canceled prediction throws its
 * error; one that has not finished throws too (the exchange hook only returns terminal predictions).
 */
export function parseReplicateResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response that is not a JSON object',
    });
  }
  const status = json.status;
  if (status === 'failed' || status === 'canceled' || status === 'aborted')
    throw parseReplicateError(502, JSON.stringify(json));
  if (status !== 'succeeded') {
    throw new GatewayError({
      kind: 'upstream',
      message: `the prediction has not finished (status ${String(status)})`,
      raw: json,
    });
  }
  const content = replyParts(predictionText(json.output));
  const response: CanonicalResponse = {
    id: typeof json.id === 'string' && json.id !== '' ? json.id : replicateToolCallId(),
    model: typeof json.model === 'string' ? json.model : '',
    created: predictionCreated(json),
    content,
    finishReason: predictionFinish(
      json,
      content.some((part) => part.type === 'tool-call'),
    ),
  };
  const usage = predictionUsage(json);
  if (usage) response.usage = usage;
  return response;
}
