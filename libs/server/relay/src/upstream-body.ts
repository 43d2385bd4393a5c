import {
  acceptsStreamOptions,
  applyVendorParameterRules,
  vendorOrDefault,
  type VendorOptions,
} from '@one-api/llm-providers';
import type { Channel } from '@one-api/server-db';
import { parseChannelConfig } from './channel-adapters.service';

export interface PreparedBody {
  body: Record<string, unknown>;
  upstreamModel: string;
  systemPromptReset: boolean;
  /** the gateway added include_usage the client did not ask for */
  forcedUsage: boolean;
}

const mappingCache = new WeakMap<Channel, Record<string, string>>();

/** A channel's model_mapping JSON ({"asked":"sent"}), parsed once per channel snapshot. */
export function modelMappingOf(channel: Channel): Record<string, string> {
  let mapping = mappingCache.get(channel);
  if (!mapping) {
    mapping = {};
    try {
      const parsed = JSON.parse(channel.modelMapping || '{}') as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [from, to] of Object.entries(parsed)) if (typeof to === 'string' && to) mapping[from] = to;
      }
    } catch {
      // An unparsable mapping maps nothing; the admin API refuses to save one.
    }
    mappingCache.set(channel, mapping);
  }
  return mapping;
}

/**
 * The body sent to an OpenAI-compatible channel: the caller's body with the channel's model mapping, its system
 * prompt, and `stream_options.include_usage` so streamed usage is exact (no `stream_options` at all for channels that
 * refuse them). Everything else passes unchanged.
 */
export function prepareOpenAiBody(
  original: Record<string, unknown>,
  model: string,
  channel: Channel,
  opts: { chat: boolean; stream: boolean; forceUsage: boolean; vendorOptions?: VendorOptions },
): PreparedBody {
  const upstreamModel = modelMappingOf(channel)[model] ?? model;
  const body: Record<string, unknown> = { ...original, model: upstreamModel };
  let systemPromptReset = false;
  if (opts.chat && channel.systemPrompt && Array.isArray(original.messages)) {
    const messages = [...(original.messages as Array<Record<string, unknown>>)];
    const first = messages[0];
    if (first && (first.role === 'system' || first.role === 'developer')) {
      messages[0] = { ...first, content: channel.systemPrompt };
      systemPromptReset = true;
    } else {
      messages.unshift({ role: 'system', content: channel.systemPrompt });
    }
    body.messages = messages;
  }
  let forcedUsage = false;
  if (!channelAcceptsStreamOptions(channel)) {
    // Azure before api-version 2024-09-01-preview answers 400 to any stream_options, the caller's too: usage then
    // comes from the gateway's estimate.
    delete body.stream_options;
  } else if (opts.stream && opts.forceUsage) {
    const streamOptions = (original.stream_options ?? {}) as Record<string, unknown>;
    if (streamOptions.include_usage !== true) {
      body.stream_options = { ...streamOptions, include_usage: true };
      forcedUsage = true;
    }
  }
  // The caller's body still has to follow the model's and vendor's parameter rules (o-series max_completion_tokens, …).
  if (opts.chat) applyVendorParameterRules(body, channel.type, opts.vendorOptions);
  return { body, upstreamModel, systemPromptReset, forcedUsage };
}

/** Whether the channel takes `stream_options` (its config is parsed only for vendors where that depends on it). */
function channelAcceptsStreamOptions(channel: Channel): boolean {
  if (!vendorOrDefault(channel.type).azureDeployments) return true;
  return acceptsStreamOptions(channel.type, {
    config: parseChannelConfig(channel.config),
    other: channel.other,
  });
}
