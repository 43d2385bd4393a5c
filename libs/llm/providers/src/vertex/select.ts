import type { UpstreamAdapter } from '@one-api/llm-core';
import { vertexClaudeAdapter } from './claude-adapter';
import { vertexGeminiAdapter } from './gemini-adapter';
import { vertexPublisherOf } from './vertex-url';

export const VERTEX_CHANNEL_TYPE = 42;

/** The Vertex adapter for a model: Claude goes to Anthropic's publisher endpoint, the rest to Google's. */
export function vertexAdapterFor(
  model: string | undefined,
  adapters: { gemini: UpstreamAdapter; claude: UpstreamAdapter } = {
    gemini: vertexGeminiAdapter,
    claude: vertexClaudeAdapter,
  },
): UpstreamAdapter {
  return model !== undefined && vertexPublisherOf(model) === 'anthropic' ? adapters.claude : adapters.gemini;
}
