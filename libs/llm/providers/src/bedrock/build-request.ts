import type { CanonicalRequest, UpstreamChannel, UpstreamHttpRequest } from '@one-api/llm-core';
import type { AnthropicAdapterOptions } from '../anthropic/build-request';
import { buildConverseBody } from './converse-request';
import { bedrockCredentials } from './credentials';
import { buildClaudeInvokeBody } from './invoke-request';
import { bedrockModelId, bedrockUrl, isBedrockClaude, type BedrockOperation } from './model-id';

export type BedrockAdapterOptions = AnthropicAdapterOptions;

/**
 * The unsigned Bedrock call (`authorize` signs it right before each send): Claude models through InvokeModel /
 * InvokeModelWithResponseStream with the Anthropic Messages body, every other model through Converse /
 * ConverseStream. The model id is the request's model, or its ARN from `config.inference_profile_arn_map`.
 */
export function buildBedrockRequest(
  request: CanonicalRequest,
  channel: UpstreamChannel,
  options: BedrockAdapterOptions = {},
): UpstreamHttpRequest {
  const { region } = bedrockCredentials(channel);
  const modelId = bedrockModelId(request.model, channel.config);
  if (isBedrockClaude(request.model, modelId)) {
    const { body, warnings } = buildClaudeInvokeBody(request, options);
    const operation: BedrockOperation = request.stream ? 'invoke-with-response-stream' : 'invoke';
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (request.stream) headers['x-amzn-bedrock-accept'] = 'application/json';
    else headers.accept = 'application/json';
    return {
      url: bedrockUrl(channel, region, modelId, operation),
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      warnings,
    };
  }
  const { body, warnings } = buildConverseBody(request);
  return {
    url: bedrockUrl(channel, region, modelId, request.stream ? 'converse-stream' : 'converse'),
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: request.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
    },
    body: JSON.stringify(body),
    warnings,
  };
}
