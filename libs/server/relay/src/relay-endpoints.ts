/** The OpenAI-format endpoints relayed to OpenAI-compatible channels. */
export interface RelayEndpoint {
  kind: 'chat' | 'completions' | 'embeddings' | 'moderations';
  /** upstream path (OpenAI's) */
  path: string;
  /** model used when the body names none */
  defaultModel?: string;
  /** whether the body may ask for a stream */
  streams: boolean;
}

export const ENDPOINTS = {
  chat: { kind: 'chat', path: '/v1/chat/completions', streams: true },
  completions: { kind: 'completions', path: '/v1/completions', streams: true },
  embeddings: { kind: 'embeddings', path: '/v1/embeddings', streams: false },
  moderations: {
    kind: 'moderations',
    path: '/v1/moderations',
    defaultModel: 'omni-moderation-latest',
    streams: false,
  },
} as const satisfies Record<string, RelayEndpoint>;
