import {
  GatewayError,
  isRecord,
  type CanonicalResponse,
  type FinishReason,
  type JsonObject,
  type ResponseContentPart,
} from '@one-api/llm-core';
import { fromResponsesUsage, randomResponsesId } from '@one-api/llm-codecs';
import { parseOpenAiResponsesError, responsesFailureError } from './parse-error';

function texts(parts: unknown, type: string): string[] {
  if (!Array.isArray(parts)) return [];
  return parts
    .filter(
      (part): part is JsonObject => isRecord(part) && part.type === type && typeof part.text === 'string',
    )
    .map((part) => part.text as string);
}

/** A reasoning item's text (its reasoning_text content, else its summaries) and encrypted content as signature. */
export function reasoningPart(item: JsonObject): ResponseContentPart | undefined {
  const content = texts(item.content, 'reasoning_text');
  const text = (content.length > 0 ? content : texts(item.summary, 'summary_text')).join('\n\n');
  const encrypted =
    typeof item.encrypted_content === 'string' && item.encrypted_content !== ''
      ? item.encrypted_content
      : undefined;
  if (text === '' && encrypted === undefined) return undefined;
  return encrypted === undefined
    ? { type: 'reasoning', text }
    : { type: 'reasoning', text, signature: encrypted };
}

/** Canonical parts of one output item (web search calls and other hosted-tool records give none). */
export function outputItemParts(item: JsonObject): ResponseContentPart[] {
  switch (item.type) {
    case 'message': {
      const parts: ResponseContentPart[] = [];
      if (Array.isArray(item.content)) {
        for (const part of item.content) {
          if (!isRecord(part)) continue;
          if (part.type === 'output_text' && typeof part.text === 'string')
            parts.push({ type: 'text', text: part.text });
          else if (part.type === 'refusal' && typeof part.refusal === 'string') {
            parts.push({ type: 'text', text: part.refusal });
          }
        }
      }
      return parts;
    }
    case 'function_call':
      return [
        {
          type: 'tool-call',
          id: typeof item.call_id === 'string' && item.call_id !== '' ? item.call_id : String(item.id ?? ''),
          name: typeof item.name === 'string' ? item.name : '',
          arguments:
            typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments ?? {}),
        },
      ];
    case 'custom_tool_call':
      return [
        {
          type: 'tool-call',
          id: typeof item.call_id === 'string' && item.call_id !== '' ? item.call_id : String(item.id ?? ''),
          name: typeof item.name === 'string' ? item.name : '',
          arguments: JSON.stringify({ input: typeof item.input === 'string' ? item.input : '' }),
        },
      ];
    case 'reasoning': {
      const part = reasoningPart(item);
      return part ? [part] : [];
    }
    default:
      return [];
  }
}

/** The finish reason of a finished response: `completed` (tool calls if any), `incomplete` by its reason. */
export function responsesFinishReason(
  status: string,
  incompleteReason: unknown,
  hasToolCalls: boolean,
): FinishReason {
  if (status === 'incomplete') {
    if (incompleteReason === 'max_output_tokens') return { reason: 'length', raw: 'max_output_tokens' };
    if (incompleteReason === 'content_filter') return { reason: 'content_filter', raw: 'content_filter' };
    return { reason: 'other', raw: typeof incompleteReason === 'string' ? incompleteReason : 'incomplete' };
  }
  if (status === 'cancelled') return { reason: 'other', raw: 'cancelled' };
  return { reason: hasToolCalls ? 'tool_calls' : 'stop', raw: status };
}

/**
 * An OpenAI `response` object → canonical response. A failed response (status `failed` or an `error` object),
 * an error envelope sent with status 200, or a response still queued / in progress throws a GatewayError.
 */
export function parseOpenAiResponsesResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response that is not a JSON object',
    });
  }
  if (json.object !== 'response' && isRecord(json.error) && !Array.isArray(json.output)) {
    throw parseOpenAiResponsesError(502, JSON.stringify(json));
  }
  const status = typeof json.status === 'string' ? json.status : 'completed';
  if (status === 'failed' || (isRecord(json.error) && status !== 'completed')) {
    throw responsesFailureError(json.error);
  }
  if (status === 'queued' || status === 'in_progress') {
    throw new GatewayError({
      kind: 'upstream',
      message: `upstream returned a response that is still ${status.replace('_', ' ')}`,
      raw: json,
    });
  }
  if (!Array.isArray(json.output)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response without output',
      raw: json,
    });
  }
  const content = json.output.filter(isRecord).flatMap(outputItemParts);
  const incomplete = isRecord(json.incomplete_details) ? json.incomplete_details.reason : undefined;
  const response: CanonicalResponse = {
    id: typeof json.id === 'string' && json.id !== '' ? json.id : randomResponsesId('resp'),
    model: typeof json.model === 'string' ? json.model : '',
    created: typeof json.created_at === 'number' ? json.created_at : Math.floor(Date.now() / 1000),
    content,
    finishReason: responsesFinishReason(
      status,
      incomplete,
      content.some((part) => part.type === 'tool-call'),
    ),
  };
  const usage = fromResponsesUsage(json.usage);
  if (usage) response.usage = usage;
  if (typeof json.service_tier === 'string') response.serviceTier = json.service_tier;
  return response;
}
