import { createHash } from 'node:crypto';
import { explicitArguments } from '../core/explicit-arguments';
import { sampleFromSchema } from '../core/json-schema-sample';
import { randomId } from '../openai/ids';
import { CHARS_PER_TOKEN, estimateTokens } from '../openai/usage';
import type { AnthropicBlock, AnthropicTool, MessagesRequest } from './types';

/** Every plain reply starts with this, followed by the quoted last user text. */
export const ANTHROPIC_REPLY_PREFIX = 'Hello! This is fake-anthropic answering: ';
/** The thinking block (when thinking is on) reads this followed by the quoted last user text. */
export const ANTHROPIC_THINKING_PREFIX = 'Thinking about: ';
/** Quoted text is cut to this many characters (code points), then "..." is appended. */
export const ANTHROPIC_QUOTE_LIMIT = 100;

export type FakeAnthropicBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

export interface AnthropicReply {
  content: FakeAnthropicBlock[];
  stopReason: AnthropicStopReason;
  stopSequence: string | null;
}

/**
 * The signature the fake puts on its thinking blocks, a function of the thinking text: a thinking block sent back
 * with another signature (or none) is refused, like Anthropic refuses tampered or foreign thinking.
 */
export function fakeThinkingSignature(thinking: string): string {
  return `EqQB${createHash('sha256').update(`fake-anthropic:${thinking}`).digest('base64')}`;
}

function quote(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > ANTHROPIC_QUOTE_LIMIT
    ? `${chars.slice(0, ANTHROPIC_QUOTE_LIMIT).join('')}...`
    : chars.join('');
}

function textOf(content: string | AnthropicBlock[] | undefined, types = ['text']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const block of content) {
    if (!block || !types.includes(block.type ?? '')) continue;
    if (block.type === 'tool_result') out += textOf(block.content);
    else if (typeof block.text === 'string') out += block.text;
  }
  return out;
}

function lastMessage(req: MessagesRequest) {
  const messages = Array.isArray(req.messages) ? req.messages : [];
  return messages[messages.length - 1];
}

/** Text of the last user message that has text ('' when there is none); tool results are not text. */
export function lastAnthropicUserText(req: MessagesRequest): string {
  const messages = Array.isArray(req.messages) ? req.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role !== 'user') continue;
    const text = textOf(messages[i].content);
    if (text !== '') return text;
  }
  return '';
}

/** The last message is the user's and carries tool results. */
function answersToolResults(req: MessagesRequest): boolean {
  const last = lastMessage(req);
  return (
    last?.role === 'user' &&
    Array.isArray(last.content) &&
    last.content.some((b) => b?.type === 'tool_result')
  );
}

function customTools(req: MessagesRequest): AnthropicTool[] {
  return (Array.isArray(req.tools) ? req.tools : []).filter(
    (t) => (t?.type === undefined || t?.type === null || t.type === 'custom') && typeof t?.name === 'string',
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Tools the text asks for: "call <name>" anywhere, or the word "weather" when a get_weather tool exists. */
function requestedTools(text: string, tools: AnthropicTool[]): AnthropicTool[] {
  const hits: Array<{ at: number; tool: AnthropicTool }> = [];
  for (const tool of tools) {
    const name = tool.name as string;
    const call = new RegExp(`(?:^|[^a-z0-9_])call\\s+${escapeRegExp(name)}(?![a-z0-9_-])`, 'i').exec(text);
    const weather = name === 'get_weather' ? /\bweather\b/i.exec(text) : null;
    const at = Math.min(call ? call.index : Infinity, weather ? weather.index : Infinity);
    if (at !== Infinity) hits.push({ at, tool });
  }
  return hits.sort((a, b) => a.at - b.at).map((h) => h.tool);
}

/** Input given in the prompt (`call <name> with {...}`), else sampled from the tool's schema. */
function toolUse(tool: AnthropicTool, text: string): FakeAnthropicBlock {
  const input =
    explicitArguments(text, tool.name as string) ??
    (tool.input_schema === undefined ? {} : sampleFromSchema(tool.input_schema));
  return {
    type: 'tool_use',
    id: `toolu_01${randomId(22)}`,
    name: tool.name as string,
    input:
      typeof input === 'object' && input !== null && !Array.isArray(input)
        ? (input as Record<string, unknown>)
        : {},
  };
}

/** The tool calls the request gets, and whether they were forced (forced calls come without a text preface). */
function decideToolUse(req: MessagesRequest): { tools: AnthropicTool[]; forced: boolean } | undefined {
  const tools = customTools(req);
  const choice = req.tool_choice;
  if (tools.length === 0 || choice?.type === 'none') return undefined;
  if (choice?.type === 'tool' && typeof choice.name === 'string') {
    const tool = tools.find((t) => t.name === choice.name) ?? { name: choice.name };
    return { tools: [tool], forced: true };
  }
  let chosen = answersToolResults(req) ? [] : requestedTools(lastAnthropicUserText(req), tools);
  const forced = choice?.type === 'any';
  if (chosen.length === 0 && forced) chosen = [tools[0]];
  if (chosen.length === 0) return undefined;
  if (choice?.disable_parallel_tool_use === true) chosen = chosen.slice(0, 1);
  return { tools: chosen, forced };
}

function plainText(req: MessagesRequest): string {
  const last = lastMessage(req);
  const quoted = answersToolResults(req)
    ? `tool result: ${quote(textOf(last?.content, ['tool_result']))}`
    : quote(lastAnthropicUserText(req));
  return quoted === '' ? ANTHROPIC_REPLY_PREFIX.replace(/: $/, '.') : ANTHROPIC_REPLY_PREFIX + quoted;
}

function thinkingOn(req: MessagesRequest): boolean {
  return req.thinking?.type === 'enabled' || req.thinking?.type === 'adaptive';
}

/** Applies stop_sequences (cut before the earliest, stop_reason stop_sequence) and max_tokens (cut to limit × 4 chars). */
function limit(
  req: MessagesRequest,
  text: string,
  used: number,
): { text: string; stop: AnthropicStopReason; seq: string | null } {
  let cutAt = -1;
  let seq: string | null = null;
  for (const s of Array.isArray(req.stop_sequences) ? req.stop_sequences : []) {
    const i = typeof s === 'string' && s !== '' ? text.indexOf(s) : -1;
    if (i !== -1 && (cutAt === -1 || i < cutAt)) {
      cutAt = i;
      seq = s;
    }
  }
  if (cutAt !== -1) text = text.slice(0, cutAt);
  const room = typeof req.max_tokens === 'number' ? req.max_tokens - used : Infinity;
  if (estimateTokens(text) > room) {
    return { text: text.slice(0, Math.max(0, room) * CHARS_PER_TOKEN), stop: 'max_tokens', seq: null };
  }
  return { text, stop: seq === null ? 'end_turn' : 'stop_sequence', seq };
}

/**
 * The fake's answer to a Messages request (deterministic except tool_use ids):
 * - thinking `enabled` / `adaptive` → first a thinking block `Thinking about: <quoted last user text>` signed with
 *   `fakeThinkingSignature` (empty text with `display: "omitted"`);
 * - tool_use when `tool_choice` names a tool (no text), `any` (the requested tools, else the first tool; no text),
 *   or with `auto` / no choice when the last user text says `call <name>` (or "weather" with a get_weather tool):
 *   then a text block `I will call <names>.` comes first; `disable_parallel_tool_use` keeps the first call only;
 *   `none` never calls; a turn answering tool results never calls again; stop_reason `tool_use`;
 * - `output_config.format` json_schema → JSON text valid for the schema;
 * - otherwise `ANTHROPIC_REPLY_PREFIX + quote(last user text)`, or `... answering: tool result: <content>` after
 *   tool results; `stop_sequences` cut it (stop_reason `stop_sequence`), `max_tokens` truncates it (`max_tokens`).
 */
export function messagesReply(req: MessagesRequest): AnthropicReply {
  const content: FakeAnthropicBlock[] = [];
  let used = 0;
  if (thinkingOn(req)) {
    const thought = ANTHROPIC_THINKING_PREFIX + (quote(lastAnthropicUserText(req)) || 'the conversation');
    const shown = req.thinking?.display === 'omitted' ? '' : thought;
    content.push({ type: 'thinking', thinking: shown, signature: fakeThinkingSignature(shown) });
    used += estimateTokens(shown);
  }
  const calls = decideToolUse(req);
  if (calls) {
    if (!calls.forced)
      content.push({ type: 'text', text: `I will call ${calls.tools.map((t) => t.name).join(', ')}.` });
    for (const tool of calls.tools) content.push(toolUse(tool, lastAnthropicUserText(req)));
    return { content, stopReason: 'tool_use', stopSequence: null };
  }
  const format = req.output_config?.format;
  const text =
    format?.type === 'json_schema' ? JSON.stringify(sampleFromSchema(format.schema ?? {})) : plainText(req);
  const limited = limit(req, text, used);
  content.push({ type: 'text', text: limited.text });
  return { content, stopReason: limited.stop, stopSequence: limited.seq };
}

/** Output tokens of a reply: per block, tokens(thinking text), tokens(text), tokens(name + input JSON). */
export function replyOutputTokens(reply: AnthropicReply): number {
  let tokens = 0;
  for (const block of reply.content) {
    if (block.type === 'thinking') tokens += estimateTokens(block.thinking);
    else if (block.type === 'text') tokens += estimateTokens(block.text);
    else tokens += estimateTokens(block.name + JSON.stringify(block.input));
  }
  return tokens;
}
