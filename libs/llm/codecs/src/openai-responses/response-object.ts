import type { EncodeContext, FinishReason, GatewayError, GatewayErrorKind } from '@one-api/llm-core';
import { responsesCodecState, type ResponsesEcho } from './decode-request';
import type {
  ResponsesErrorWire,
  ResponsesObjectWire,
  ResponsesOutputItemWire,
  ResponsesStatus,
  ResponsesUsageWire,
} from './wire-types';

/** The echo for a request another codec decoded (or one decoded without notes): OpenAI's defaults. */
function defaultEcho(ctx: EncodeContext): ResponsesEcho {
  const req = ctx.request;
  return {
    background: false,
    instructions: req.system.length > 0 ? req.system.map((part) => part.text).join('\n') : null,
    max_output_tokens: req.sampling.maxTokens ?? null,
    max_tool_calls: null,
    parallel_tool_calls: req.parallelToolCalls ?? true,
    previous_response_id: null,
    prompt_cache_key: null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: null },
    safety_identifier: null,
    service_tier: null,
    store: false,
    temperature: req.sampling.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_logprobs: 0,
    top_p: req.sampling.topP ?? 1,
    truncation: 'disabled',
    user: req.user ?? null,
    metadata: req.metadata ?? {},
  };
}

export interface EnvelopeFields {
  id: string;
  createdAt: number;
  model: string;
  status: ResponsesStatus;
  output: ResponsesOutputItemWire[];
  usage: ResponsesUsageWire | null;
  error?: ResponsesErrorWire | null;
  incompleteDetails?: ResponsesObjectWire['incomplete_details'];
  serviceTier?: string;
}

/** While in progress OpenAI echoes the requested tier (`auto` by default); a finished response names the tier used. */
function serviceTierFor(fields: EnvelopeFields, requested: string | null): string {
  if (fields.status === 'in_progress' || fields.status === 'queued') return requested ?? 'auto';
  return fields.serviceTier ?? (requested === null || requested === 'auto' ? 'default' : requested);
}

/** A full `response` object: the generated fields plus the request's settings, in OpenAI's field order. */
export function responsesEnvelope(ctx: EncodeContext, fields: EnvelopeFields): ResponsesObjectWire {
  const echo = responsesCodecState(ctx.request)?.echo ?? defaultEcho(ctx);
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status: fields.status,
    background: echo.background,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteDetails ?? null,
    instructions: echo.instructions,
    max_output_tokens: echo.max_output_tokens,
    max_tool_calls: echo.max_tool_calls,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: echo.parallel_tool_calls,
    previous_response_id: echo.previous_response_id,
    prompt_cache_key: echo.prompt_cache_key,
    reasoning: echo.reasoning,
    safety_identifier: echo.safety_identifier,
    service_tier: serviceTierFor(fields, echo.service_tier),
    store: echo.store,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.tool_choice,
    tools: echo.tools,
    top_logprobs: echo.top_logprobs,
    top_p: echo.top_p,
    truncation: echo.truncation,
    usage: fields.usage,
    user: echo.user,
    metadata: echo.metadata,
  };
}

/** How a finish reason shows on the response: its status, and `incomplete_details` / `error` when not completed. */
export function statusForFinish(finish: FinishReason): {
  status: ResponsesStatus;
  incompleteDetails: ResponsesObjectWire['incomplete_details'];
  error: ResponsesErrorWire | null;
} {
  switch (finish.reason) {
    case 'length':
      return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' }, error: null };
    case 'content_filter':
      return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' }, error: null };
    case 'error':
      return {
        status: 'failed',
        incompleteDetails: null,
        error: { code: 'server_error', message: 'The model failed to complete the response.' },
      };
    default:
      return { status: 'completed', incompleteDetails: null, error: null };
  }
}

const FAILURE_CODES: Partial<Record<GatewayErrorKind, string>> = {
  'rate-limit': 'rate_limit_exceeded',
  'context-length': 'context_length_exceeded',
  'invalid-request': 'invalid_prompt',
};

/** `response.error` of a failed response (the `code` Codex and the SDKs look at: context_length_exceeded, …). */
export function responsesFailure(error: GatewayError): ResponsesErrorWire {
  const code =
    error.kind === 'context-length'
      ? 'context_length_exceeded'
      : (error.providerCode ?? FAILURE_CODES[error.kind]);
  return { code: code ?? 'server_error', message: error.message };
}
