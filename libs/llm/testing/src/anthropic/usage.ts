import { estimateTokens } from '../openai/usage';
import type { AnthropicBlock, AnthropicCacheControl, AnthropicUsageBody, MessagesRequest } from './types';

/**
 * The fake's token arithmetic, exported so tests can predict every `usage` number:
 *   tokens(text) = max(1, ceil(text.length / 4)), counted per piece of the prompt, in Anthropic's prompt order:
 *   each tool (its JSON without cache_control), each system block, each content block of each message (text;
 *   85 per image; 200 per PDF / file document; tool_use: name + input JSON; tool_result: its text + 85 per image;
 *   thinking: its text; anything else: its JSON).
 * Prompt caching, stateless and deterministic: with `cache_control` breakpoints (on tools, system blocks, content
 * blocks, or top-level — which marks the last piece), everything up to the second-to-last breakpoint is a cache
 * read, the pieces after it up to the last breakpoint are a cache write (1h when that breakpoint says `ttl: "1h"`,
 * else 5m), the rest is uncached `input_tokens`. No minimum cacheable length.
 */
export const ANTHROPIC_IMAGE_TOKENS = 85;
export const ANTHROPIC_DOCUMENT_TOKENS = 200;

interface Piece {
  tokens: number;
  cache?: AnthropicCacheControl;
}

function isCache(value: unknown): value is AnthropicCacheControl {
  return typeof value === 'object' && value !== null && (value as AnthropicCacheControl).type === 'ephemeral';
}

function blockText(block: AnthropicBlock): string {
  return typeof block.text === 'string' ? block.text : '';
}

function toolResultTokens(content: AnthropicBlock['content']): number {
  if (typeof content === 'string') return estimateTokens(content);
  if (!Array.isArray(content)) return estimateTokens('');
  let text = '';
  let images = 0;
  for (const inner of content) {
    if (inner?.type === 'image') images++;
    else text += blockText(inner ?? {});
  }
  return estimateTokens(text) + images * ANTHROPIC_IMAGE_TOKENS;
}

/** Tokens the fake counts for one content block. */
export function blockTokens(block: AnthropicBlock): number {
  switch (block?.type) {
    case 'text':
      return estimateTokens(blockText(block));
    case 'image':
      return ANTHROPIC_IMAGE_TOKENS;
    case 'document':
      return block.source?.type === 'text' && typeof block.source.data === 'string'
        ? estimateTokens(block.source.data)
        : ANTHROPIC_DOCUMENT_TOKENS;
    case 'tool_use':
      return estimateTokens((block.name ?? '') + JSON.stringify(block.input ?? {}));
    case 'tool_result':
      return toolResultTokens(block.content);
    case 'thinking':
      return estimateTokens(block.thinking ?? '');
    case 'redacted_thinking':
      return estimateTokens(block.data ?? '');
    default:
      return estimateTokens(JSON.stringify(block ?? null));
  }
}

function promptPieces(req: MessagesRequest): Piece[] {
  const pieces: Piece[] = [];
  const add = (tokens: number, cache: unknown) =>
    pieces.push(isCache(cache) ? { tokens, cache } : { tokens });
  for (const tool of Array.isArray(req.tools) ? req.tools : []) {
    const { cache_control, ...rest } = tool ?? {};
    add(estimateTokens(JSON.stringify(rest)), cache_control);
  }
  if (typeof req.system === 'string') add(estimateTokens(req.system), undefined);
  else if (Array.isArray(req.system))
    for (const block of req.system) add(blockTokens(block), block?.cache_control);
  for (const message of Array.isArray(req.messages) ? req.messages : []) {
    const content = message?.content;
    if (typeof content === 'string') add(estimateTokens(content), undefined);
    else if (Array.isArray(content))
      for (const block of content) add(blockTokens(block), block?.cache_control);
  }
  if (isCache(req.cache_control) && pieces.length > 0) pieces[pieces.length - 1].cache = req.cache_control;
  return pieces;
}

export interface AnthropicPromptTokens {
  /** Every prompt token (what count_tokens reports). */
  total: number;
  /** Anthropic's `input_tokens`: the uncached part. */
  uncached: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
}

export function anthropicPromptTokens(req: MessagesRequest): AnthropicPromptTokens {
  const pieces = promptPieces(req);
  const total = pieces.reduce((sum, piece) => sum + piece.tokens, 0);
  const breakpoints = pieces.flatMap((piece, i) => (piece.cache ? [i] : []));
  if (breakpoints.length === 0)
    return { total, uncached: total, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };
  const last = breakpoints[breakpoints.length - 1];
  const previous = breakpoints.length > 1 ? breakpoints[breakpoints.length - 2] : -1;
  const sum = (from: number, to: number) => pieces.slice(from, to).reduce((s, p) => s + p.tokens, 0);
  const cacheRead = sum(0, previous + 1);
  const written = sum(previous + 1, last + 1);
  const oneHour = pieces[last].cache?.ttl === '1h';
  return {
    total,
    uncached: sum(last + 1, pieces.length),
    cacheRead,
    cacheWrite5m: oneHour ? 0 : written,
    cacheWrite1h: oneHour ? written : 0,
  };
}

export function anthropicUsageBody(prompt: AnthropicPromptTokens, outputTokens: number): AnthropicUsageBody {
  return {
    input_tokens: prompt.uncached,
    cache_creation_input_tokens: prompt.cacheWrite5m + prompt.cacheWrite1h,
    cache_read_input_tokens: prompt.cacheRead,
    cache_creation: {
      ephemeral_5m_input_tokens: prompt.cacheWrite5m,
      ephemeral_1h_input_tokens: prompt.cacheWrite1h,
    },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}
