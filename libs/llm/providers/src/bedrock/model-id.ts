import { GatewayError, isRecord, tryParseJson, type UpstreamChannel } from '@one-api/llm-core';

/** The Bedrock runtime operations the adapter calls. */
export type BedrockOperation = 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream';

/** `config.inference_profile_arn_map` (an object, or the JSON text of one): model name → inference profile ARN. */
function arnMap(config: Record<string, unknown>): Record<string, unknown> {
  const raw = config.inference_profile_arn_map;
  const parsed = typeof raw === 'string' ? tryParseJson(raw) : raw;
  return isRecord(parsed) ? parsed : {};
}

/**
 * Anthropic's own model names (the channel type's catalogue) → Bedrock foundation model ids, as One API maps them,
 * so a channel listing `claude-3-5-sonnet-20241022` works without a model mapping. Models that Bedrock serves only
 * through an inference profile need the profile id (`us.anthropic...`) as the model or in the model mapping.
 */
export const BEDROCK_CLAUDE_IDS: Readonly<Record<string, string>> = {
  'claude-3-haiku-20240307': 'anthropic.claude-3-haiku-20240307-v1:0',
  'claude-3-sonnet-20240229': 'anthropic.claude-3-sonnet-20240229-v1:0',
  'claude-3-opus-20240229': 'anthropic.claude-3-opus-20240229-v1:0',
  'claude-3-5-haiku-20241022': 'anthropic.claude-3-5-haiku-20241022-v1:0',
  'claude-3-5-sonnet-20240620': 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'claude-3-5-sonnet-20241022': 'anthropic.claude-3-5-sonnet-20241022-v2:0',
  'claude-3-7-sonnet-20250219': 'anthropic.claude-3-7-sonnet-20250219-v1:0',
  'claude-sonnet-4-20250514': 'anthropic.claude-sonnet-4-20250514-v1:0',
  'claude-opus-4-20250514': 'anthropic.claude-opus-4-20250514-v1:0',
  'claude-opus-4-1-20250805': 'anthropic.claude-opus-4-1-20250805-v1:0',
  'claude-sonnet-4-5-20250929': 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'claude-haiku-4-5-20251001': 'anthropic.claude-haiku-4-5-20251001-v1:0',
};

/**
 * The `modelId` of the call: the ARN `inference_profile_arn_map` names for the model, else the Bedrock id of an
 * Anthropic model name, else the model itself — foundation model ids (`amazon.nova-lite-v1:0`) and cross-region
 * profile ids (`us.`, `eu.`, `apac.`, `global.` + model id) are used as given.
 */
export function bedrockModelId(model: string, config: Record<string, unknown>): string {
  const mapped = arnMap(config)[model];
  if (typeof mapped === 'string' && mapped.trim() !== '') return mapped.trim();
  return BEDROCK_CLAUDE_IDS[model] ?? model;
}

/**
 * Claude models are called through InvokeModel with the Anthropic Messages body (thinking, cache_control, betas
 * survive that way; Converse would flatten them). An application inference profile ARN says nothing about its
 * model, so the model name is asked too.
 */
export function isBedrockClaude(model: string, modelId: string): boolean {
  return /anthropic\.claude/i.test(modelId) || /claude/i.test(model);
}

/**
 * `https://bedrock-runtime.{region}.amazonaws.com/model/{modelId}/{operation}`, or the channel's base URL in place
 * of the host (tests, VPC endpoints, proxies). The model id is one path segment: ARNs' `:` and `/` are escaped.
 */
export function bedrockUrl(
  channel: Pick<UpstreamChannel, 'baseUrl'>,
  region: string,
  modelId: string,
  operation: BedrockOperation,
): string {
  let base = channel.baseUrl.trim();
  while (base.endsWith('/')) base = base.slice(0, -1);
  if (base === '') base = `https://bedrock-runtime.${region}.amazonaws.com`;
  if (modelId === '') {
    throw new GatewayError({
      kind: 'invalid-request',
      message: 'the request names no model',
      param: 'model',
    });
  }
  return `${base}/model/${encodeURIComponent(modelId)}/${operation}`;
}
