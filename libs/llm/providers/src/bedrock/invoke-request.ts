import type { CanonicalRequest } from '@one-api/llm-core';
import { ANTHROPIC_BETA_STATE } from '@one-api/llm-codecs';
import { buildAnthropicBody, type AnthropicAdapterOptions } from '../anthropic/build-request';

/** The `anthropic_version` InvokeModel requires for Claude. */
export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';

/** Top-level Messages fields Bedrock's Claude endpoint refuses as extraneous keys. */
const NOT_ON_BEDROCK = ['model', 'stream', 'metadata', 'service_tier', 'container', 'mcp_servers'];

/**
 * Canonical request → the InvokeModel body for Claude: the Anthropic Messages body (thinking, cache_control,
 * tools, output_config kept) with `anthropic_version: bedrock-2023-05-31`, without `model` (it is in the URL) or
 * `stream` (the operation decides), and the caller's `anthropic-beta` header as the `anthropic_beta` array.
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
    body.anthropic_beta = beta
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '');
  }
  return { body, warnings };
}
