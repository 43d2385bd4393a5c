import type { CanonicalRequest } from '@one-api/llm-core';
import { ANTHROPIC_BETA_STATE } from '@one-api/llm-codecs';
import { buildAnthropicBody, type AnthropicAdapterOptions } from '../anthropic/build-request';

/** The `anthropic_version` InvokeModel requires for Claude. */
export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';

/**
 * The beta flags Bedrock documents for Claude; any other flag fails the whole call with "invalid beta flag", and
 * clients such as Claude Code send several (`claude-code-20250219`, `fine-grained-tool-streaming-2025-05-14`, ...).
 */
export const BEDROCK_ANTHROPIC_BETAS: ReadonlySet<string> = new Set([
  'computer-use-2024-10-22',
  'computer-use-2025-01-24',
  'token-efficient-tools-2025-02-19',
  'interleaved-thinking-2025-05-14',
  'output-128k-2025-02-19',
  'dev-full-thinking-2025-05-14',
  'context-1m-2025-08-07',
  'context-management-2025-06-27',
  'effort-2025-11-24',
  'tool-search-tool-2025-10-19',
  'tool-examples-2025-10-29',
]);

/** Top-level Messages fields Bedrock's Claude endpoint refuses as extraneous keys. */
const NOT_ON_BEDROCK = ['model', 'stream', 'metadata', 'service_tier', 'container', 'mcp_servers'];

/**
 * Canonical request → the InvokeModel body for Claude: the Anthropic Messages body (thinking, cache_control,
 * tools, output_config kept) with `anthropic_version: bedrock-2023-05-31`, without `model` (it is in the URL) or
 * `stream` (the operation decides), and the caller's `anthropic-beta` header as the `anthropic_beta` array (the
 * flags Bedrock accepts only).
 */
export function buildClaudeInvokeBody(
  request: CanonicalRequest,
  options: AnthropicAdapterOptions = {},
): { body: Record<string, unknown>; warnings: string[] } {
  const built = buildAnthropicBody(request, options);
  const warnings = [...built.warnings];
  const body: Record<string, unknown> = { anthropic_version: BEDROCK_ANTHROPIC_VERSION };
  for (const [key, value] of Object.entries(built.body)) {
    if (!NOT_ON_BEDROCK.includes(key)) body[key] = value;
    else if (key !== 'model' && key !== 'stream')
      warnings.push(`${key} was dropped: Bedrock does not accept it`);
  }
  const beta = request.codecState?.[ANTHROPIC_BETA_STATE];
  if (typeof beta === 'string' && beta.trim() !== '') {
    const asked = [...new Set(beta.split(',').map((b) => b.trim()))].filter((b) => b !== '');
    const kept = asked.filter((b) => BEDROCK_ANTHROPIC_BETAS.has(b));
    const dropped = asked.filter((b) => !BEDROCK_ANTHROPIC_BETAS.has(b));
    if (dropped.length > 0)
      warnings.push(`anthropic-beta ${dropped.join(', ')} dropped: Bedrock does not accept it`);
    if (kept.length > 0) body.anthropic_beta = kept;
  }
  return { body, warnings };
}
