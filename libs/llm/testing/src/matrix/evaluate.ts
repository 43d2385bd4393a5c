import { assembleReply, type AssembledReply, hasMeaningfulError } from './reply';
import type { MatrixFormat, MatrixReply, MatrixVariant } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The outcome of checking one 2xx reply against its variant's PASS rule. */
export interface Verdict {
  pass: boolean;
  reason?: string;
  /** a tool variant answered correctly but without calling a tool (PASS* candidate) */
  toolNotInvoked?: boolean;
}

const SNIPPET = 300;
export function snippet(text: string, max = SNIPPET): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

/** The JSON object a text holds: the whole text, a fenced block, or the outermost `{…}`. */
export function jsonObjectIn(text: string): Obj | undefined {
  const candidates = [text.trim()];
  const fence = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fence) candidates.push(fence[1].trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    try {
      const v = JSON.parse(c) as unknown;
      if (isObj(v)) return v;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

function hasStructuredFields(v: Obj | undefined): boolean {
  if (!v) return false;
  const keys = Object.keys(v).map((k) => k.toLowerCase());
  return keys.includes('topic') && (keys.includes('confidence') || keys.includes('confidence_score'));
}

/** Structured output: the reply's text or one of its tool calls is a JSON object with `topic` and `confidence`. */
export function structuredSatisfied(reply: AssembledReply): boolean {
  if (hasStructuredFields(jsonObjectIn(reply.text))) return true;
  return reply.toolCalls.some((c) => hasStructuredFields(jsonObjectIn(c.arguments)));
}

/** The reply stopped at the token limit (which the fork counts as a pass for structured output). */
export function truncatedByMaxTokens(reply: AssembledReply): boolean {
  if (reply.stop === 'length' || reply.stop === 'max_tokens') return true;
  if (reply.stop !== 'incomplete' || !reply.terminal) return false;
  const details = reply.terminal.incomplete_details;
  return isObj(details) && details.reason === 'max_output_tokens';
}

function nonEmptyArray(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

/** A tool call in any of the three wire shapes (chat tool_calls, Responses function_call / required_action, tool_use). */
function foreignToolShapes(body: Obj): boolean {
  for (const choice of Array.isArray(body.choices) ? body.choices : []) {
    if (isObj(choice) && isObj(choice.message) && nonEmptyArray(choice.message.tool_calls)) return true;
  }
  for (const item of Array.isArray(body.output) ? body.output : []) {
    if (isObj(item) && item.type === 'function_call') return true;
  }
  for (const block of Array.isArray(body.content) ? body.content : []) {
    if (isObj(block) && block.type === 'tool_use') return true;
  }
  const required = body.required_action;
  return (
    isObj(required) &&
    required.type === 'submit_tool_outputs' &&
    isObj(required.submit_tool_outputs) &&
    nonEmptyArray(required.submit_tool_outputs.tool_calls)
  );
}

function toolFound(reply: AssembledReply, body?: Obj): boolean {
  return reply.toolCalls.length > 0 || (body !== undefined && foreignToolShapes(body));
}

function defaultShape(format: MatrixFormat, body: Obj): Verdict {
  if (format === 'chat')
    return nonEmptyArray(body.choices) ? { pass: true } : { pass: false, reason: 'response missing choices' };
  if (format === 'response') {
    if (body.status === 'failed') return { pass: false, reason: snippet(JSON.stringify(body)) };
    if (nonEmptyArray(body.output) || nonEmptyArray(body.choices)) return { pass: true };
    if (['completed', 'in_progress', 'requires_action'].includes(String(body.status))) return { pass: true };
    return {
      pass: false,
      reason: Object.keys(body).length === 0 ? 'empty response' : 'response missing output',
    };
  }
  if (nonEmptyArray(body.content) || (typeof body.type === 'string' && body.type !== ''))
    return { pass: true };
  return {
    pass: false,
    reason: Object.keys(body).length === 0 ? 'empty response' : 'response missing content',
  };
}

function evaluateJson(variant: MatrixVariant, raw: string, body: unknown): Verdict {
  if (raw.trim() === '') return { pass: false, reason: 'empty response' };
  if (!isObj(body)) return { pass: false, reason: `malformed JSON response: ${snippet(raw)}` };
  if (hasMeaningfulError(body)) return { pass: false, reason: snippet(raw) };
  const reply = assembleReply(variant.format, { kind: 'json', body });
  switch (variant.expectation) {
    case 'structured':
      if (structuredSatisfied(reply)) {
        if (body.status === 'failed') return { pass: false, reason: snippet(raw) };
        return { pass: true };
      }
      if (truncatedByMaxTokens(reply)) return { pass: true };
      return { pass: false, reason: 'structured output fields missing' };
    case 'tools':
      if (toolFound(reply, body)) return { pass: true };
      return { pass: false, reason: 'response missing tool call', toolNotInvoked: true };
    case 'tool_history':
      if (toolFound(reply, body) || reply.text.trim() !== '') return { pass: true };
      return { pass: false, reason: 'response missing tool call or assistant text', toolNotInvoked: true };
    default:
      return defaultShape(variant.format, body);
  }
}

function evaluateStream(
  variant: MatrixVariant,
  raw: string,
  reply: MatrixReply & { kind: 'stream' },
): Verdict {
  if (raw.trim() === '') return { pass: false, reason: 'empty stream' };
  const payloads = reply.events.filter((e) => e.data !== '[DONE]' && e.data !== '');
  if (payloads.length === 0) return { pass: false, reason: 'empty stream payload' };
  for (const e of payloads) {
    if (hasMeaningfulError(e.data)) return { pass: false, reason: snippet(JSON.stringify(e.data)) };
  }
  const assembled = assembleReply(variant.format, reply);
  const noError = (): Verdict | undefined => {
    const lower = raw.toLowerCase();
    if (lower.includes('"error"') && !lower.includes('"error":null'))
      return { pass: false, reason: snippet(raw) };
    if (assembled.errors.length > 0)
      return { pass: false, reason: snippet(JSON.stringify(assembled.errors[0])) };
    return undefined;
  };
  if (variant.expectation === 'tools' && !toolFound(assembled))
    return noError() ?? { pass: false, reason: 'stream missing tool invocation', toolNotInvoked: true };
  if (variant.expectation === 'tool_history' && !toolFound(assembled) && assembled.text.trim() === '')
    return noError() ?? { pass: false, reason: 'stream missing tool invocation', toolNotInvoked: true };
  const error = noError();
  if (error) return error;
  if (
    variant.expectation === 'structured' &&
    !structuredSatisfied(assembled) &&
    !truncatedByMaxTokens(assembled)
  )
    return { pass: false, reason: 'stream missing structured output fields' };
  return { pass: true };
}

/** Applies the variant's PASS rule to a 2xx reply (the fork's rules; see the matrix README section). */
export function evaluateReply(variant: MatrixVariant, reply: MatrixReply, raw: string): Verdict {
  if (reply.kind === 'stream') return evaluateStream(variant, raw, reply);
  return evaluateJson(variant, raw, reply.kind === 'json' ? reply.body : undefined);
}

const UNSUPPORTED: Readonly<Record<MatrixFormat, readonly string[]>> = {
  response: ['unknown field `messages`', 'does not support responses', 'response api is not available'],
  chat: ['only supports response', 'chat completions unsupported'],
  claude: ['does not support claude', 'claude messages unsupported'],
};
const STREAM_UNSUPPORTED = [
  'streaming is not supported',
  'stream parameter is not supported',
  'stream currently disabled',
];

/**
 * The fork's SKIP rules: 404/405, 502/503/504, "no available channel(s)", streaming or format not supported, and a
 * stream that is nothing but `[DONE]`.
 */
export function isUnsupportedCombination(
  format: MatrixFormat,
  stream: boolean,
  status: number,
  raw: string,
  reason = '',
): boolean {
  const lower = `${reason}\n${raw}`.toLowerCase();
  if (UNSUPPORTED[format].some((p) => lower.includes(p))) return true;
  if (stream && STREAM_UNSUPPORTED.some((p) => lower.includes(p))) return true;
  if (lower.includes('no available channel')) return true;
  if (stream && /^(data:\s*)?\[done\]$/i.test(raw.trim())) return true;
  return [404, 405, 502, 503, 504].includes(status);
}
