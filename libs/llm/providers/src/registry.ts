import type { UpstreamAdapter } from '@one-api/llm-core';
import { openAiAdapter } from './openai/adapter';
import { anthropicAdapter, isAnthropicChannelType } from './anthropic';
import { bedrockAdapter, BEDROCK_CHANNEL_TYPE } from './bedrock/adapter';
import { geminiAdapter } from './gemini/adapter';
import { cohereAdapter } from './cohere/adapter';
import { ollamaAdapter } from './ollama/adapter';
import { replicateAdapter } from './replicate/adapter';
import { cozeAdapter } from './coze/adapter';
import { isOpenAiCompatibleType } from './openai/vendors';
import { openAiResponsesAdapter } from './openai-responses/adapter';
import { speaksResponsesApi } from './openai-responses/channel-format';
import { zhipuAdapter } from './zhipu/adapter';
import { copilotAdapter } from './copilot/adapter';
import { aliAdapter } from './ali/adapter';
import { baiduAdapter } from './baidu/adapter';
import { tencentAdapter } from './tencent/adapter';
import { deeplAdapter } from './deepl/adapter';
import { aiProxyLibraryAdapter } from './aiproxy-library/adapter';
import { xunfeiAdapter } from './xunfei/adapter';
import { prefersAzureResponses } from './openai/azure-url';
import { VERTEX_CHANNEL_TYPE, vertexAdapterFor } from './vertex/select';
import { vertexGeminiAdapter } from './vertex/gemini-adapter';

/** OpenAI-shaped types whose credentials need more than a Bearer key (an `authorize` hook on the OpenAI adapter). */
const OPENAI_SHAPED_WITH_OWN_AUTH: Readonly<Record<number, UpstreamAdapter>> = {
  16: zhipuAdapter,
  53: copilotAdapter,
};

/** The upstream adapter for a One API channel type, or undefined when the type is not supported yet. */
export function adapterForChannelType(channelType: number): UpstreamAdapter | undefined {
  const ownAuth = OPENAI_SHAPED_WITH_OWN_AUTH[channelType];
  if (ownAuth) return ownAuth;
  if (isOpenAiCompatibleType(channelType)) return openAiAdapter;
  if (channelType === 24) return geminiAdapter;
  if (channelType === 17) return aliAdapter;
  if (channelType === 15) return baiduAdapter;
  if (channelType === 23) return tencentAdapter;
  if (channelType === 38) return deeplAdapter;
  if (channelType === 21) return aiProxyLibraryAdapter;
  if (channelType === 18) return xunfeiAdapter;
  if (isAnthropicChannelType(channelType)) return anthropicAdapter;
  if (channelType === BEDROCK_CHANNEL_TYPE) return bedrockAdapter;
  if (channelType === 35) return cohereAdapter;
  if (channelType === 30) return ollamaAdapter;
  if (channelType === 46) return replicateAdapter;
  if (channelType === 34) return cozeAdapter;
  if (channelType === VERTEX_CHANNEL_TYPE) return vertexGeminiAdapter;
  return undefined;
}

/**
 * The adapter for a channel, its config considered: an OpenAI-compatible channel configured with
 * `"api_format": "response"` speaks the Responses API; otherwise `adapterForChannelType`. The model sent upstream
 * (after the channel's mapping) picks the protocol where one channel type speaks several: Vertex AI (Claude →
 * Anthropic's publisher endpoint, else Gemini) and Azure (GPT-5 family → Responses).
 */
export function adapterForChannel(
  channelType: number,
  config?: Record<string, unknown>,
  upstreamModel?: string,
): UpstreamAdapter | undefined {
  if (speaksResponsesApi(channelType, config)) return openAiResponsesAdapter;
  // Azure serves GPT-5-family models through its Responses API (as the fork does), the rest through Chat
  if (channelType === 3 && upstreamModel !== undefined && prefersAzureResponses(upstreamModel))
    return openAiResponsesAdapter;
  if (channelType === VERTEX_CHANNEL_TYPE) return vertexAdapterFor(upstreamModel);
  return adapterForChannelType(channelType);
}
