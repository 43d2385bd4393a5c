import {
  GatewayError,
  isRecord,
  makeUsage,
  type CanonicalResponse,
  type FinishReasonKind,
  type ResponseContentPart,
  type Usage,
} from '@one-api/llm-core';

type WireObject = Record<string, unknown>;

/** DashScope finish reasons; streamed chunks say the string `"null"` until the last one. */
export function aliFinishKind(raw: string): FinishReasonKind {
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    default:
      return 'other';
  }
}

/** `usage: {input_tokens, output_tokens, prompt_tokens_details?: {cached_tokens}, output_tokens_details?: {reasoning_tokens}}`. */
export function aliUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = typeof usage.input_tokens === 'number' ? usage.input_tokens : 0;
  const output = typeof usage.output_tokens === 'number' ? usage.output_tokens : 0;
  const cached = isRecord(usage.prompt_tokens_details)
    ? usage.prompt_tokens_details.cached_tokens
    : undefined;
  const reasoning = isRecord(usage.output_tokens_details)
    ? usage.output_tokens_details.reasoning_tokens
    : undefined;
  return makeUsage({
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: typeof cached === 'number' ? cached : 0,
    reasoningTokens: typeof reasoning === 'number' ? reasoning : 0,
  });
}

/** An error object answered with HTTP 200 (`{code, message, request_id}` without `output`). */
export function aliBodyError(json: WireObject): GatewayError | undefined {
  if (isRecord(json.output) || typeof json.code !== 'string' || json.code === '') return undefined;
  return new GatewayError({
    kind: json.code === 'InvalidApiKey' ? 'auth' : 'upstream',
    message: typeof json.message === 'string' ? json.message : json.code,
    providerCode: json.code,
    raw: json,
  });
}

/** DashScope's `{output: {choices: [{message, finish_reason}]} | {text, finish_reason}, usage, request_id}`. */
export function parseAliResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json))
    throw new GatewayError({ kind: 'upstream', message: 'DashScope answered no JSON object' });
  const error = aliBodyError(json);
  if (error) throw error;
  const output = isRecord(json.output) ? json.output : {};
  const choice = Array.isArray(output.choices) && isRecord(output.choices[0]) ? output.choices[0] : undefined;
  const message = choice && isRecord(choice.message) ? choice.message : undefined;
  const content: ResponseContentPart[] = [];
  if (message && typeof message.reasoning_content === 'string' && message.reasoning_content !== '')
    content.push({ type: 'reasoning', text: message.reasoning_content });
  const text = message ? message.content : output.text;
  if (typeof text === 'string' && text !== '') content.push({ type: 'text', text });
  if (message && Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isRecord(call) || !isRecord(call.function)) continue;
      content.push({
        type: 'tool-call',
        id: typeof call.id === 'string' ? call.id : '',
        name: typeof call.function.name === 'string' ? call.function.name : '',
        arguments: typeof call.function.arguments === 'string' ? call.function.arguments : '{}',
      });
    }
  }
  const raw = String((choice ? choice.finish_reason : output.finish_reason) ?? 'stop');
  // A forced tool call ends with "stop" (as on OpenAI); callers of other formats need to hear it was a tool call.
  const calledTool = content.some((part) => part.type === 'tool-call');
  const reason = calledTool && aliFinishKind(raw) === 'stop' ? 'tool_calls' : aliFinishKind(raw);
  return {
    id: typeof json.request_id === 'string' ? json.request_id : '',
    model: '',
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: { reason, raw },
    usage: aliUsage(json.usage),
  };
}
