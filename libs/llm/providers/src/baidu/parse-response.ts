import {
  GatewayError,
  isRecord,
  makeUsage,
  type CanonicalResponse,
  type FinishReason,
  type ResponseContentPart,
  type Usage,
} from '@one-api/llm-core';

type WireObject = Record<string, unknown>;

const RATE_LIMIT_CODES = new Set([4, 17, 18, 19, 336501, 336502]);
const TOKEN_CODES = new Set([100, 110, 111]);
const CONTEXT_CODES = new Set([336007, 336103]);

/** ERNIE's in-body error `{error_code, error_msg}` (often with HTTP 200) → a gateway error; undefined when none. */
export function ernieBodyError(json: WireObject, status = 200): GatewayError | undefined {
  if (typeof json.error_code !== 'number' || json.error_code === 0) return undefined;
  const code = json.error_code;
  const message = typeof json.error_msg === 'string' ? json.error_msg : `ERNIE error ${code}`;
  const base = { message, providerCode: String(code), raw: json };
  // A bad or expired access token is the channel's problem (its AK|SK), never the caller's key.
  if (TOKEN_CODES.has(code))
    return new GatewayError({ ...base, kind: 'upstream', status: 502, retryable: true });
  if (RATE_LIMIT_CODES.has(code)) return new GatewayError({ ...base, kind: 'rate-limit', status: 429 });
  if (CONTEXT_CODES.has(code) || /too long/i.test(message))
    return new GatewayError({ ...base, kind: 'context-length', status: 400 });
  if (code === 336003 || code === 336006)
    return new GatewayError({ ...base, kind: 'invalid-request', status: 400 });
  return new GatewayError({ ...base, kind: 'upstream', status: status >= 400 ? status : 502 });
}

export function ernieUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  return makeUsage({
    inputTokens: typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0,
    outputTokens: typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0,
  });
}

/** `finish_reason` when present (normal, stop, length, content_filter, function_call), else `is_truncated`. */
export function ernieFinish(json: WireObject): FinishReason {
  if (isRecord(json.function_call)) return { reason: 'tool_calls', raw: 'function_call' };
  const raw = typeof json.finish_reason === 'string' && json.finish_reason !== '' ? json.finish_reason : null;
  if (raw === 'length' || (!raw && json.is_truncated === true))
    return { reason: 'length', raw: raw ?? 'length' };
  if (raw === 'content_filter') return { reason: 'content_filter', raw };
  return { reason: 'stop', raw: raw ?? 'normal' };
}

export function ernieToolCall(json: WireObject, id: string): ResponseContentPart | undefined {
  const call = json.function_call;
  if (!isRecord(call) || typeof call.name !== 'string') return undefined;
  return {
    type: 'tool-call',
    id: `call_${id}`,
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : '{}',
  };
}

/** `{id, created, result, is_truncated, need_clear_history, function_call?, usage}` or `{error_code, error_msg}`. */
export function parseBaiduResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json)) throw new GatewayError({ kind: 'upstream', message: 'ERNIE answered no JSON object' });
  const error = ernieBodyError(json);
  if (error) throw error;
  const id = typeof json.id === 'string' ? json.id : '';
  const content: ResponseContentPart[] = [];
  if (typeof json.result === 'string' && json.result !== '')
    content.push({ type: 'text', text: json.result });
  const call = ernieToolCall(json, id);
  if (call) content.push(call);
  return {
    id,
    model: '',
    created: typeof json.created === 'number' ? json.created : Math.floor(Date.now() / 1000),
    content,
    finishReason: ernieFinish(json),
    usage: ernieUsage(json.usage),
  };
}
