import { Injectable } from '@nestjs/common';
import type { UpstreamAdapter } from '@one-api/llm-core';
import {
  adapterForChannel,
  BEDROCK_CHANNEL_TYPE,
  createBedrockAdapter,
  createAnthropicAdapter,
  createGeminiAdapter,
  createOpenAiAdapter,
  createVertexClaudeAdapter,
  createVertexGeminiAdapter,
  isAnthropicChannelType,
  speaksResponsesApi,
  VERTEX_CHANNEL_TYPE,
  vertexAdapterFor,
  type VendorOptions,
} from '@one-api/llm-providers';
import { AppConfig } from '@one-api/server-config';
import type { Channel } from '@one-api/server-db';

export function parseChannelConfig(config: string | null): Record<string, unknown> {
  try {
    const parsed = JSON.parse(config || '{}') as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The upstream adapter serving a channel, with the deployment's provider defaults applied. */
@Injectable()
export class ChannelAdapters {
  private readonly gemini: UpstreamAdapter;
  private readonly anthropic: UpstreamAdapter;
  private readonly bedrock: UpstreamAdapter;
  private readonly vertexGemini: UpstreamAdapter;
  private readonly vertexClaude: UpstreamAdapter;
  private readonly openRouter: UpstreamAdapter;
  /** Deployment-wide OpenAI-vendor settings, for bodies passed through as well. */
  readonly vendorOptions: VendorOptions;

  constructor(config: AppConfig) {
    this.vendorOptions = { openRouterProviderSort: config.openRouterProviderSort || undefined };
    this.openRouter = createOpenAiAdapter(this.vendorOptions);
    this.anthropic = createAnthropicAdapter({ defaultMaxTokens: config.defaultMaxToken });
    this.bedrock = createBedrockAdapter({ defaultMaxTokens: config.defaultMaxToken });
    this.gemini = createGeminiAdapter({
      defaultApiVersion: config.geminiVersion,
      safetyThreshold: config.geminiSafetySetting,
    });
    this.vertexGemini = createVertexGeminiAdapter({ safetyThreshold: config.geminiSafetySetting });
    this.vertexClaude = createVertexClaudeAdapter({ defaultMaxTokens: config.defaultMaxToken });
  }

  /** Gemini with GEMINI_VERSION / GEMINI_SAFETY_SETTING, Anthropic with DEFAULT_MAX_TOKEN; a Responses-native adapter when config.api_format says so. */
  forChannel(channel: Pick<Channel, 'type' | 'config'>, upstreamModel?: string): UpstreamAdapter | undefined {
    if (channel.type === 24) return this.gemini;
    if (channel.type === 20 && !speaksResponsesApi(20, parseChannelConfig(channel.config)))
      return this.openRouter;
    if (isAnthropicChannelType(channel.type)) return this.anthropic;
    if (channel.type === BEDROCK_CHANNEL_TYPE) return this.bedrock;
    if (channel.type === VERTEX_CHANNEL_TYPE)
      return vertexAdapterFor(upstreamModel, { gemini: this.vertexGemini, claude: this.vertexClaude });
    return adapterForChannel(channel.type, parseChannelConfig(channel.config), upstreamModel);
  }
}
