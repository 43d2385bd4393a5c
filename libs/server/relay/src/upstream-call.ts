import type { CanonicalRequest, InboundCodec, UpstreamAdapter } from '@one-api/llm-core';
import { GatewayError } from '@one-api/llm-core';
import { upstreamUrl, vendorOrDefault } from '@one-api/llm-providers';
import type { Channel } from '@one-api/server-db';
import type { RelayEndpoint } from './relay-endpoints';
import { modelMappingOf, prepareOpenAiBody } from './upstream-body';

/** How one attempt talks to its channel. */
export type UpstreamPlan =
  | {
      mode: 'passthrough';
      url: string;
      headers: Record<string, string>;
      body: string;
      upstreamModel: string;
      systemPromptReset: boolean;
      /** the gateway added include_usage the client did not ask for */
      forcedUsage: boolean;
    }
  | {
      mode: 'convert';
      url: string;
      headers: Record<string, string>;
      body: string;
      upstreamModel: string;
      systemPromptReset: boolean;
      adapter: UpstreamAdapter;
      codec: InboundCodec;
      request: CanonicalRequest;
    };

export interface PlanInput {
  endpoint: RelayEndpoint;
  payload: Record<string, unknown>;
  model: string;
  stream: boolean;
  channel: Channel;
  adapter: UpstreamAdapter | undefined;
  forceUsage: boolean;
  /** decodes the caller's body once, on the first attempt that needs the canonical form */
  canonical: () => CanonicalRequest;
}

function parseConfig(channel: Channel): Record<string, unknown> {
  try {
    const parsed = JSON.parse(channel.config || '{}') as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * Decides how to reach the channel: the caller's own format when the channel speaks it (bytes kept, only model
 * mapping, system prompt and usage reporting touched), otherwise through the canonical model and the channel's
 * adapter. Throws a retryable GatewayError when the channel cannot serve this endpoint at all.
 */
export function planUpstreamCall(input: PlanInput): UpstreamPlan {
  const { endpoint, channel, adapter } = input;
  if (!adapter) {
    throw new GatewayError({
      kind: 'upstream',
      status: 503,
      retryable: true,
      message: `channel type ${channel.type} is not supported yet`,
    });
  }
  const codec = endpoint.codec;
  if (!codec || adapter.format === codec.format) {
    if (adapter.format !== 'openai-chat') {
      throw new GatewayError({
        kind: 'upstream',
        status: 503,
        retryable: true,
        message: `this endpoint cannot be served by channel type ${channel.type}`,
      });
    }
    const prepared = prepareOpenAiBody(input.payload, input.model, channel, {
      chat: endpoint.kind === 'chat',
      stream: input.stream,
      forceUsage: input.forceUsage,
    });
    return {
      mode: 'passthrough',
      url: upstreamUrl(channel.type, channel.baseUrl ?? '', endpoint.path),
      headers: {
        'content-type': 'application/json',
        accept: input.stream ? 'text/event-stream' : 'application/json',
        authorization: `Bearer ${channel.key ?? ''}`,
        ...(vendorOrDefault(channel.type).headers ?? {}),
      },
      body: JSON.stringify(prepared.body),
      upstreamModel: prepared.upstreamModel,
      systemPromptReset: prepared.systemPromptReset,
      forcedUsage: prepared.forcedUsage,
    };
  }
  const original = input.canonical();
  const upstreamModel = modelMappingOf(channel)[input.model] ?? input.model;
  const request: CanonicalRequest = { ...original, model: upstreamModel };
  let systemPromptReset = false;
  if (channel.systemPrompt) {
    systemPromptReset = original.system.length > 0;
    request.system = [{ type: 'text', text: channel.systemPrompt }];
  }
  const http = adapter.buildRequest(request, {
    type: channel.type,
    baseUrl: channel.baseUrl ?? '',
    key: channel.key ?? '',
    config: parseConfig(channel),
    other: channel.other ?? undefined,
  });
  return {
    mode: 'convert',
    url: http.url,
    headers: http.headers,
    body: http.body,
    upstreamModel,
    systemPromptReset,
    adapter,
    codec,
    request,
  };
}
