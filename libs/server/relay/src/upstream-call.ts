import type { CanonicalRequest, InboundCodec, UpstreamAdapter, UpstreamChannel } from '@one-api/llm-core';
import { GatewayError, tryParseJson } from '@one-api/llm-core';
import {
  anthropicPassthroughRequest,
  encodeEmbeddingsBase64,
  responsesPassthroughBody,
  upstreamUrl,
  vendorOrDefault,
  type VendorOptions,
} from '@one-api/llm-providers';
import type { AnthropicCallerHeaders } from '@one-api/llm-codecs';
import type { Channel } from '@one-api/server-db';
import { parseChannelConfig } from './channel-adapters.service';
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
      /** the wire format both sides speak */
      format: string;
      /** the channel's adapter when it completes credentials itself (Zhipu JWT, Copilot token): run on these bytes too */
      authorizer?: { adapter: UpstreamAdapter; upstreamChannel: UpstreamChannel };
      /** turns a 2xx answer into the caller's format (native embeddings → OpenAI's); throws a GatewayError */
      transformBody?: (text: string) => string;
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
      /** the channel as the adapter saw it (for `authorize` / `exchange`) */
      upstreamChannel: UpstreamChannel;
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
  /** the caller's body bytes (kept for formats passed through byte for byte; decoded only when used) */
  rawBody?: Buffer;
  /** the caller's anthropic-version / anthropic-beta */
  anthropicHeaders?: AnthropicCallerHeaders;
  /** URL options change the request or the answer: go through the canonical model even on a same-format channel */
  forceConvert?: boolean;
  /** deployment-wide vendor settings applied to passed-through OpenAI bodies (OPENROUTER_PROVIDER_SORT) */
  vendorOptions?: VendorOptions;
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
  if (!codec || (adapter.format === codec.format && !input.forceConvert)) {
    const plan = passthroughPlan(input, adapter.format);
    if (adapter.authorize && plan.mode === 'passthrough')
      plan.authorizer = { adapter, upstreamChannel: upstreamChannelOf(channel) };
    return plan;
  }
  const original = input.canonical();
  const upstreamModel = modelMappingOf(channel)[input.model] ?? input.model;
  const request: CanonicalRequest = { ...original, model: upstreamModel };
  let systemPromptReset = false;
  if (channel.systemPrompt) {
    systemPromptReset = original.system.length > 0;
    request.system = [{ type: 'text', text: channel.systemPrompt }];
  }
  const upstreamChannel = upstreamChannelOf(channel);
  const http = adapter.buildRequest(request, upstreamChannel);
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
    upstreamChannel,
  };
}

function upstreamChannelOf(channel: Channel): UpstreamChannel {
  return {
    type: channel.type,
    baseUrl: channel.baseUrl ?? '',
    key: channel.key ?? '',
    config: parseChannelConfig(channel.config),
    other: channel.other ?? undefined,
  };
}

function passthroughPlan(input: PlanInput, format: string): UpstreamPlan {
  const { endpoint, channel } = input;
  const upstreamModel = modelMappingOf(channel)[input.model] ?? input.model;
  if (format === 'anthropic-messages' && endpoint.kind === 'messages') {
    const request = anthropicPassthroughRequest(
      input.rawBody?.toString('utf8') ?? JSON.stringify(input.payload),
      {
        channelType: channel.type,
        baseUrl: channel.baseUrl ?? '',
        key: channel.key ?? '',
        model: upstreamModel,
        callerHeaders: input.anthropicHeaders,
      },
    );
    return {
      mode: 'passthrough',
      format,
      url: request.url,
      headers: request.headers,
      body: request.body,
      upstreamModel: request.upstreamModel,
      systemPromptReset: false,
      forcedUsage: false,
    };
  }
  if (format === 'openai-responses' && endpoint.kind === 'responses') {
    return {
      mode: 'passthrough',
      format,
      url: upstreamUrl(channel.type, channel.baseUrl ?? '', '/v1/responses'),
      headers: openAiHeaders(channel, input.stream),
      body: JSON.stringify(responsesPassthroughBody(input.payload, upstreamModel)),
      upstreamModel,
      systemPromptReset: false,
      forcedUsage: false,
    };
  }
  const nativeEmbeddings = input.adapter?.embeddings;
  if (endpoint.kind === 'embeddings' && format !== 'openai-chat' && nativeEmbeddings) {
    const http = nativeEmbeddings.buildRequest(
      { ...input.payload, model: upstreamModel },
      upstreamChannelOf(channel),
    );
    const base64 = input.payload.encoding_format === 'base64';
    return {
      mode: 'passthrough',
      // the answer is turned into OpenAI's embeddings JSON, so usage is read the OpenAI way
      format: 'openai-chat',
      url: http.url,
      headers: http.headers,
      body: http.body,
      upstreamModel,
      systemPromptReset: false,
      forcedUsage: false,
      transformBody: (text) => {
        const answer = nativeEmbeddings.toOpenAi(tryParseJson(text), upstreamModel);
        return JSON.stringify(base64 ? encodeEmbeddingsBase64(answer) : answer);
      },
    };
  }
  if (format !== 'openai-chat') {
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
    vendorOptions: input.vendorOptions,
  });
  return {
    mode: 'passthrough',
    format,
    url: upstreamUrl(channel.type, channel.baseUrl ?? '', endpoint.path, {
      model: prepared.upstreamModel,
      config: channel.config ? parseChannelConfig(channel.config) : undefined,
      other: channel.other,
    }),
    headers: openAiHeaders(channel, input.stream),
    body: JSON.stringify(prepared.body),
    upstreamModel: prepared.upstreamModel,
    systemPromptReset: prepared.systemPromptReset,
    forcedUsage: prepared.forcedUsage,
  };
}

function openAiHeaders(channel: Channel, stream: boolean): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    ...(vendorOrDefault(channel.type).auth === 'api-key'
      ? { 'api-key': channel.key ?? '' } // Azure: the key goes in api-key, never as a bearer token
      : { authorization: `Bearer ${channel.key ?? ''}` }),
    ...(vendorOrDefault(channel.type).headers ?? {}),
  };
}
