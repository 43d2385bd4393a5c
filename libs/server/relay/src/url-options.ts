import type { CanonicalRequest, ReasoningOutputFormat } from '@one-api/llm-core';

/** The fork's URL parameters: `?thinking=` turns reasoning on or off, `?reasoning_format=` picks where it is written. */
export interface UrlOptions {
  thinking?: boolean;
  reasoningFormat?: ReasoningOutputFormat;
}

const TRUTHY = new Set(['1', 'true', 'yes', 'on']);
const FALSY = new Set(['0', 'false', 'no', 'off']);
const FORMATS = new Set<ReasoningOutputFormat>(['reasoning_content', 'reasoning', 'thinking']);

export function readUrlOptions(query: Record<string, unknown>): UrlOptions {
  const options: UrlOptions = {};
  const thinking = typeof query.thinking === 'string' ? query.thinking.toLowerCase() : undefined;
  if (thinking !== undefined && TRUTHY.has(thinking)) options.thinking = true;
  else if (thinking !== undefined && FALSY.has(thinking)) options.thinking = false;
  const format = query.reasoning_format;
  if (typeof format === 'string' && FORMATS.has(format as ReasoningOutputFormat)) {
    options.reasoningFormat = format as ReasoningOutputFormat;
  }
  return options;
}

/** Whether the options change the request or the answer, so the body cannot go through unchanged. */
export function needsConversion(options: UrlOptions): boolean {
  return options.thinking !== undefined || options.reasoningFormat !== undefined;
}

/** Applies `?thinking=` to a decoded request; a caller that set its own reasoning settings keeps them. */
export function applyThinking(request: CanonicalRequest, options: UrlOptions): CanonicalRequest {
  if (options.thinking === undefined) return request;
  if (!options.thinking) return { ...request, reasoning: { ...request.reasoning, enabled: false } };
  const reasoning = { ...request.reasoning, enabled: true };
  // Anthropic's minimum thinking budget; adapters of effort-based providers map it to an effort level.
  if (reasoning.effort === undefined && reasoning.budgetTokens === undefined) reasoning.budgetTokens = 1024;
  return { ...request, reasoning };
}
