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
 * The `modelId` of the call: the ARN `inference_profile_arn_map` names for the model, else the model itself —
 * foundation model ids (`amazon.nova-lite-v1:0`) and cross-region profile ids (`us.`, `eu.`, `apac.`, `global.`
 * + model id) are used as given.
 */
export function bedrockModelId(model: string, config: Record<string, unknown>): string {
  const mapped = arnMap(config)[model];
  return typeof mapped === 'string' && mapped.trim() !== '' ? mapped.trim() : model;
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
