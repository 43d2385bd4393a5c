import {
  GatewayError,
  isRecord,
  makeUsage,
  type CanonicalResponse,
  type FinishReasonKind,
  type Usage,
} from '@one-api/llm-core';

type WireObject = Record<string, unknown>;

/** Tencent Cloud's `Response.Error: {Code, Message}` → a gateway error. */
export function tencentError(error: WireObject, raw: unknown, status = 200): GatewayError {
  const code = typeof error.Code === 'string' ? error.Code : 'InternalError';
  const message = typeof error.Message === 'string' ? error.Message : code;
  const base = { message, providerCode: code, raw };
  // Credentials are the channel's (AppId|SecretId|SecretKey), so a refusal is never the caller's fault.
  if (code.startsWith('AuthFailure') || code.startsWith('UnauthorizedOperation'))
    return new GatewayError({ ...base, kind: 'upstream', status: 502, retryable: true });
  if (code.startsWith('LimitExceeded') || code.startsWith('RequestLimitExceeded'))
    return new GatewayError({ ...base, kind: 'rate-limit', status: 429 });
  if (
    code.startsWith('InvalidParameter') ||
    code.startsWith('MissingParameter') ||
    code === 'OperationDenied.ContentRisk'
  )
    return new GatewayError({
      ...base,
      kind: /too long|length/i.test(message) ? 'context-length' : 'invalid-request',
      status: 400,
    });
  if (code.startsWith('ResourceInsufficient') || code.startsWith('FailedOperation.Service'))
    return new GatewayError({ ...base, kind: 'upstream', status: 502, retryable: true });
  return new GatewayError({ ...base, kind: 'upstream', status: status >= 400 ? status : 502 });
}

export function hunyuanUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  return makeUsage({
    inputTokens: typeof usage.PromptTokens === 'number' ? usage.PromptTokens : 0,
    outputTokens: typeof usage.CompletionTokens === 'number' ? usage.CompletionTokens : 0,
  });
}

export function hunyuanFinishKind(raw: string): FinishReasonKind {
  if (raw === 'stop') return 'stop';
  if (raw === 'length') return 'length';
  if (raw === 'sensitive') return 'content_filter';
  if (raw === 'tool_calls') return 'tool_calls';
  return 'other';
}

/** `{Response: {Choices: [{Message: {Role, Content}, FinishReason}], Usage, Id, Created, RequestId} | {Error}}`. */
export function parseTencentResponse(json: unknown): CanonicalResponse {
  const response = isRecord(json) && isRecord(json.Response) ? json.Response : undefined;
  if (!response) throw new GatewayError({ kind: 'upstream', message: 'Hunyuan answered no Response object' });
  if (isRecord(response.Error)) throw tencentError(response.Error, json);
  const choice = Array.isArray(response.Choices) && isRecord(response.Choices[0]) ? response.Choices[0] : {};
  const message = isRecord(choice.Message) ? choice.Message : {};
  const raw =
    typeof choice.FinishReason === 'string' && choice.FinishReason !== '' ? choice.FinishReason : 'stop';
  const text = typeof message.Content === 'string' ? message.Content : '';
  const content: CanonicalResponse['content'] = text ? [{ type: 'text', text }] : [];
  for (const call of Array.isArray(message.ToolCalls) ? message.ToolCalls : []) {
    if (!isRecord(call) || !isRecord(call.Function)) continue;
    content.push({
      type: 'tool-call',
      id: typeof call.Id === 'string' ? call.Id : '',
      name: typeof call.Function.Name === 'string' ? call.Function.Name : '',
      arguments: typeof call.Function.Arguments === 'string' ? call.Function.Arguments : '{}',
    });
  }
  return {
    id: typeof response.Id === 'string' ? response.Id : String(response.RequestId ?? ''),
    model: '',
    created: typeof response.Created === 'number' ? response.Created : Math.floor(Date.now() / 1000),
    content,
    // a forced tool call may end with "stop": callers of other formats need to hear it was a tool call
    finishReason: {
      reason:
        content.some((p) => p.type === 'tool-call') && raw === 'stop' ? 'tool_calls' : hunyuanFinishKind(raw),
      raw,
    },
    usage: hunyuanUsage(response.Usage),
  };
}
