import type { InboundCodec } from '@one-api/llm-core';
import { anthropicMessagesCodec, openAiChatCodec, openAiResponsesCodec } from '@one-api/llm-codecs';

/**
 * A relayed endpoint. Endpoints with a codec go through the canonical model, so any upstream protocol can serve
 * them; the legacy OpenAI endpoints (completions, embeddings, moderations) are relayed to OpenAI-compatible channels
 * only, as their bodies have no canonical form.
 */
export interface RelayEndpoint {
  kind: 'chat' | 'responses' | 'messages' | 'completions' | 'embeddings' | 'moderations';
  /** OpenAI path used upstream when the channel speaks the same format */
  path: string;
  /** model used when the body names none */
  defaultModel?: string;
  /** whether the body may ask for a stream */
  streams: boolean;
  codec?: InboundCodec;
}

export const ENDPOINTS = {
  chat: { kind: 'chat', path: '/v1/chat/completions', streams: true, codec: openAiChatCodec },
  responses: { kind: 'responses', path: '/v1/responses', streams: true, codec: openAiResponsesCodec },
  messages: { kind: 'messages', path: '/v1/messages', streams: true, codec: anthropicMessagesCodec },
  completions: { kind: 'completions', path: '/v1/completions', streams: true },
  embeddings: { kind: 'embeddings', path: '/v1/embeddings', streams: false },
  moderations: {
    kind: 'moderations',
    path: '/v1/moderations',
    defaultModel: 'omni-moderation-latest',
    streams: false,
  },
} as const satisfies Record<string, RelayEndpoint>;
