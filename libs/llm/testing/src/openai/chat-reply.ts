import { randomId } from './ids';
import { explicitArguments } from '../core/explicit-arguments';
import { sampleFromSchema } from '../core/json-schema-sample';
import type { ChatRequest, ChatTool } from './types';
import { limitText } from './limits';
import { contentText, estimateTokens } from './usage';

/** Every plain reply starts with this, followed by the quoted last user text. */
export const REPLY_PREFIX = 'Hello! This is fake-openai answering: ';
/** Quoted text is cut to this many characters (code points), then "..." is appended. */
export const QUOTE_LIMIT = 100;

export interface ToolCallReply {
  id: string;
  name: string;
  /** JSON text valid for the tool's parameters schema (deterministic). */
  arguments: string;
}

export type ChatReply =
  | { kind: 'text'; text: string; finishReason: 'stop' | 'length' }
  | { kind: 'tool_calls'; toolCalls: ToolCallReply[]; finishReason: 'tool_calls' | 'stop' };

export function quote(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > QUOTE_LIMIT ? `${chars.slice(0, QUOTE_LIMIT).join('')}...` : chars.join('');
}

/** Text of the last message whose role is `user` ('' when there is none). */
export function lastUserText(req: ChatRequest): string {
  const messages = Array.isArray(req.messages) ? req.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return contentText(messages[i].content);
  }
  return '';
}

function functionTools(req: ChatRequest): ChatTool[] {
  return (Array.isArray(req.tools) ? req.tools : []).filter(
    (t) => (t?.type === undefined || t.type === 'function') && typeof t.function?.name === 'string',
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Tools the text asks for: "call <name>" anywhere, or the word "weather" when a get_weather tool exists. */
function requestedTools(text: string, tools: ChatTool[]): ChatTool[] {
  const hits: Array<{ at: number; tool: ChatTool }> = [];
  for (const tool of tools) {
    const name = tool.function?.name as string;
    const call = new RegExp(`(?:^|[^a-z0-9_])call\\s+${escapeRegExp(name)}(?![a-z0-9_-])`, 'i').exec(text);
    const weather = name === 'get_weather' ? /\bweather\b/i.exec(text) : null;
    const at = Math.min(call ? call.index : Infinity, weather ? weather.index : Infinity);
    if (at !== Infinity) hits.push({ at, tool });
  }
  return hits.sort((a, b) => a.at - b.at).map((h) => h.tool);
}

/** Arguments given in the prompt (`call <name> with {...}`), else sampled from the tool's schema. */
function toolCall(tool: ChatTool, text: string): ToolCallReply {
  const params = tool.function?.parameters;
  const args =
    explicitArguments(text, tool.function?.name as string) ??
    (params === undefined ? {} : sampleFromSchema(params));
  return {
    id: `call_${randomId(24)}`,
    name: tool.function?.name as string,
    arguments: JSON.stringify(args),
  };
}

function decideToolCalls(req: ChatRequest): ChatReply | undefined {
  let tools = functionTools(req);
  if (tools.length === 0) return undefined;
  const choice = req.tool_choice;
  if (choice === 'none') return undefined;
  let required = choice === 'required';
  if (typeof choice === 'object' && choice !== null) {
    if (choice.type === 'function' && 'function' in choice && typeof choice.function?.name === 'string') {
      const name = choice.function.name;
      const tool = tools.find((t) => t.function?.name === name) ?? { type: 'function', function: { name } };
      return { kind: 'tool_calls', toolCalls: [toolCall(tool, lastUserText(req))], finishReason: 'stop' };
    }
    if (choice.type === 'allowed_tools' && 'allowed_tools' in choice) {
      const allowed = new Set((choice.allowed_tools?.tools ?? []).map((t) => t?.function?.name));
      tools = tools.filter((t) => allowed.has(t.function?.name));
      required = choice.allowed_tools?.mode === 'required';
      if (tools.length === 0) return undefined;
    }
  }
  const messages = Array.isArray(req.messages) ? req.messages : [];
  const lastIsUser = messages[messages.length - 1]?.role === 'user';
  let chosen = lastIsUser ? requestedTools(lastUserText(req), tools) : [];
  if (chosen.length === 0 && required) chosen = [tools[0]];
  if (chosen.length === 0) return undefined;
  if (req.parallel_tool_calls === false) chosen = chosen.slice(0, 1);
  const text = lastUserText(req);
  return { kind: 'tool_calls', toolCalls: chosen.map((t) => toolCall(t, text)), finishReason: 'tool_calls' };
}

function plainText(req: ChatRequest): string {
  const messages = Array.isArray(req.messages) ? req.messages : [];
  const last = messages[messages.length - 1];
  const quoted =
    last?.role === 'tool' ? `tool result: ${quote(contentText(last.content))}` : quote(lastUserText(req));
  return quoted === '' ? REPLY_PREFIX.replace(/: $/, '.') : REPLY_PREFIX + quoted;
}

function applyLimits(req: ChatRequest, text: string): ChatReply {
  return { kind: 'text', ...limitText(text, req.stop, req.max_completion_tokens ?? req.max_tokens) };
}

/**
 * The fake's answer to a chat request (deterministic except tool call ids):
 * - a tool call when tool_choice names a function (finish_reason "stop", as OpenAI does), or when the last message
 *   is the user's and says "call <tool name>" / "weather" with a get_weather tool (finish_reason "tool_calls";
 *   several named tools → parallel calls unless parallel_tool_calls is false); tool_choice "required" falls back to
 *   the first tool; "none" never calls;
 * - `response_format` json_schema → JSON text valid for the schema; json_object → `{"answer": <plain reply>}`;
 * - otherwise `REPLY_PREFIX + quote(last user text)` (or of the tool result when the last message is a tool's).
 * `stop` sequences cut the text; max_completion_tokens / max_tokens truncate it with finish_reason "length".
 */
export function chatReply(req: ChatRequest): ChatReply {
  const calls = decideToolCalls(req);
  if (calls) return calls;
  const format = req.response_format;
  if (format?.type === 'json_schema') {
    return applyLimits(req, JSON.stringify(sampleFromSchema(format.json_schema?.schema ?? {})));
  }
  if (format?.type === 'json_object') return applyLimits(req, JSON.stringify({ answer: plainText(req) }));
  return applyLimits(req, plainText(req));
}

export function replyCompletionTokens(reply: ChatReply): number {
  if (reply.kind === 'text') return estimateTokens(reply.text);
  return estimateTokens(reply.toolCalls.map((c) => c.name + c.arguments).join(''));
}
