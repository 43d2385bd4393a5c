import { invalidRequest, isRecord, tryParseJson, type JsonObject } from '@one-api/llm-core';
import type { AnthropicCallerHeaders } from '@one-api/llm-codecs';
import { anthropicHeaders } from './build-request';
import { anthropicMessagesUrl } from './upstream-url';

export interface AnthropicPassthroughInput {
  /** Channel type (14 Anthropic, 52 ClaudeCompatible): picks the default base URL. */
  channelType: number;
  baseUrl: string;
  key: string;
  /** The upstream model after model mapping; when it differs from the body's model, it replaces it. */
  model?: string;
  /** The caller's `anthropic-version` / `anthropic-beta` (see `anthropicCallerHeaders`). */
  callerHeaders?: AnthropicCallerHeaders;
  /** `count_tokens` targets `/v1/messages/count_tokens`. Default `messages`. */
  endpoint?: 'messages' | 'count_tokens';
}

export interface AnthropicPassthroughRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  /** The caller's bytes, unless `reserialized`. */
  body: string;
  /** The model the upstream will see. */
  upstreamModel: string;
  /** The top-level `model` value was replaced in place (every other byte kept). */
  modelReplaced: boolean;
  /** The body had to be parsed and written again (unsigned thinking blocks removed). */
  reserialized: boolean;
  /** Number of thinking blocks removed because they carried no signature. */
  strippedThinkingBlocks: number;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function skipWs(text: string, at: number): number {
  let i = at;
  while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the JSON string starting at `at` (which is a `"`); -1 when unterminated. */
function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22 /* " */) return i + 1;
  }
  return -1;
}

/** Index just past the JSON value starting at `at`; -1 when malformed. */
function valueEnd(text: string, at: number): number {
  const c = text[at];
  if (c === '"') return stringEnd(text, at);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let i = at; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') {
        const end = stringEnd(text, i);
        if (end === -1) return -1;
        i = end - 1;
      } else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  let i = at;
  while (i < text.length && text[i] !== ',' && text[i] !== '}' && !WS.has(text.charCodeAt(i))) i++;
  return i > at ? i : -1;
}

/**
 * The [start, end) ranges of every top-level `"<key>": <string>` value of a JSON object text (the string token
 * with its quotes). Nested objects are skipped whole, so a `"model"` inside messages is never matched. Returns
 * undefined when the text is not a well-formed JSON object.
 */
export function topLevelStringRanges(text: string, key: string): Array<[number, number]> | undefined {
  let i = skipWs(text, 0);
  if (text[i] !== '{') return undefined;
  const ranges: Array<[number, number]> = [];
  i = skipWs(text, i + 1);
  if (text[i] === '}') return ranges;
  for (;;) {
    if (text[i] !== '"') return undefined;
    const keyEnd = stringEnd(text, i);
    if (keyEnd === -1) return undefined;
    const name = tryParseJson(text.slice(i, keyEnd));
    i = skipWs(text, keyEnd);
    if (text[i] !== ':') return undefined;
    i = skipWs(text, i + 1);
    const end = valueEnd(text, i);
    if (end === -1) return undefined;
    if (name === key && text[i] === '"') ranges.push([i, end]);
    i = skipWs(text, end);
    if (text[i] === ',') i = skipWs(text, i + 1);
    else if (text[i] === '}') return skipWs(text, i + 1) === text.length ? ranges : undefined;
    else return undefined;
  }
}

/** Replaces the value of every top-level `"model"` string in place; every other byte is kept. */
export function replaceTopLevelModel(rawBody: string, model: string): string | undefined {
  const ranges = topLevelStringRanges(rawBody, 'model');
  if (!ranges || ranges.length === 0) return undefined;
  const value = JSON.stringify(model);
  let out = '';
  let from = 0;
  for (const [start, end] of ranges) {
    out += rawBody.slice(from, start) + value;
    from = end;
  }
  return out + rawBody.slice(from);
}

const THINKING_BLOCK = /"type"\s*:\s*"thinking"/;

/**
 * Removes assistant `thinking` blocks without a non-empty signature (Anthropic rejects them) and assistant turns left
 * empty; returns how many blocks were removed.
 */
export function stripUnsignedThinking(body: JsonObject): number {
  if (!Array.isArray(body.messages)) return 0;
  let removed = 0;
  for (const message of body.messages) {
    if (!isRecord(message) || message.role !== 'assistant' || !Array.isArray(message.content)) continue;
    const kept = message.content.filter((block) => {
      const unsigned =
        isRecord(block) &&
        block.type === 'thinking' &&
        (typeof block.signature !== 'string' || block.signature === '');
      if (unsigned) removed++;
      return !unsigned;
    });
    if (kept.length !== message.content.length) message.content = kept;
  }
  // An assistant turn left empty is dropped (Anthropic refuses empty content and joins the user turns around it).
  if (removed > 0) {
    body.messages = body.messages.filter(
      (m) => !(isRecord(m) && m.role === 'assistant' && Array.isArray(m.content) && m.content.length === 0),
    );
  }
  return removed;
}

/**
 * The upstream call for a Claude Messages request sent natively to an Anthropic / ClaudeCompatible channel:
 * `{base}/v1/messages` (or `/count_tokens`), `x-api-key`, the caller's `anthropic-version` (else 2023-06-01) and
 * `anthropic-beta`, and the caller's body.
 *
 * Body policy: the caller's bytes are kept exactly — `cache_control`, thinking signatures, unknown fields, key order
 * and whitespace included. When model mapping gives another model, only the top-level `model` string value is
 * replaced in place (located by a JSON scan that skips nested values, so a "model" inside content is never
 * touched). The body is parsed and re-serialised (`JSON.stringify`, compact) only when it holds assistant
 * `thinking` blocks without a signature (which the gateway itself produces when an earlier turn was answered by a
 * non-Anthropic channel): those blocks are removed, since Anthropic rejects them.
 * Throws a GatewayError of kind `invalid-request` when the body is not a JSON object.
 */
export function anthropicPassthroughRequest(
  rawBody: string,
  input: AnthropicPassthroughInput,
): AnthropicPassthroughRequest {
  let body = rawBody;
  let reserialized = false;
  let strippedThinkingBlocks = 0;
  let parsed: JsonObject | undefined;
  if (THINKING_BLOCK.test(rawBody)) {
    const json = tryParseJson(rawBody);
    if (!isRecord(json)) throw invalidRequest('The request body must be a JSON object');
    parsed = json;
    strippedThinkingBlocks = stripUnsignedThinking(json);
    if (strippedThinkingBlocks > 0) reserialized = true;
  }
  const ranges = topLevelStringRanges(body, 'model');
  if (!ranges) throw invalidRequest('The request body must be a JSON object');
  const last = ranges[ranges.length - 1];
  const callerModel = last ? (JSON.parse(body.slice(last[0], last[1])) as string) : undefined;
  const upstreamModel = input.model ?? callerModel;
  if (upstreamModel === undefined || upstreamModel === '')
    throw invalidRequest('model: Field required', 'model');
  const modelReplaced = upstreamModel !== callerModel;
  const replaced = modelReplaced && !reserialized ? replaceTopLevelModel(body, upstreamModel) : undefined;
  if (replaced !== undefined) body = replaced;
  else if (reserialized || modelReplaced) {
    parsed ??= tryParseJson(rawBody) as JsonObject;
    parsed.model = upstreamModel;
    body = JSON.stringify(parsed);
    reserialized = true;
  }
  const caller = input.callerHeaders ?? {};
  return {
    url: anthropicMessagesUrl(input.channelType, input.baseUrl, input.endpoint ?? 'messages'),
    method: 'POST',
    headers: anthropicHeaders(input.key, caller.version, caller.beta),
    body,
    upstreamModel,
    modelReplaced,
    reserialized,
    strippedThinkingBlocks,
  };
}
