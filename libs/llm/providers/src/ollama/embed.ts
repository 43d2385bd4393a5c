import {
  asNumber,
  GatewayError,
  invalidRequest,
  isRecord,
  type NativeEmbeddings,
  type UpstreamChannel,
  type UpstreamHttpRequest,
} from '@one-api/llm-core';
import { embeddingTexts, openAiEmbeddingList } from '../openai-embeddings-shape';
import { ollamaHeaders, ollamaUrl } from './build-request';

export interface OllamaEmbedResult {
  embeddings: number[][];
  inputTokens?: number;
}

/** `POST {base}/api/embed` with `{model, input}` (a string or a list of strings). */
export function buildOllamaEmbedRequest(
  input: { model: string; input: string | string[]; dimensions?: number },
  channel: UpstreamChannel,
): UpstreamHttpRequest {
  if (Array.isArray(input.input) && input.input.length === 0)
    throw invalidRequest('input must not be empty', 'input');
  const body: Record<string, unknown> = { model: input.model, input: input.input };
  if (input.dimensions !== undefined) body.dimensions = input.dimensions;
  return {
    url: ollamaUrl(channel, '/api/embed'),
    method: 'POST',
    headers: ollamaHeaders(channel),
    body: JSON.stringify(body),
    warnings: [],
  };
}

/** `{model, embeddings: [[...]], prompt_eval_count}` → vectors in input order. */
export function parseOllamaEmbedResponse(json: unknown): OllamaEmbedResult {
  if (!isRecord(json) || !Array.isArray(json.embeddings)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned an embed response without embeddings',
      raw: json,
    });
  }
  const out: OllamaEmbedResult = {
    embeddings: json.embeddings.filter(Array.isArray).map((vector) => vector.map(Number)),
  };
  const tokens = asNumber(json.prompt_eval_count);
  if (tokens !== undefined) out.inputTokens = tokens;
  return out;
}

/** OpenAI embeddings ↔ Ollama's `/api/embed` for the gateway's `/v1/embeddings` (`dimensions` passed through). */
export const ollamaEmbeddings: NativeEmbeddings = {
  buildRequest(body: Record<string, unknown>, channel: UpstreamChannel): UpstreamHttpRequest {
    const texts = embeddingTexts(body.input, 'Ollama');
    // base64 callers (the openai SDK's default) get floats re-encoded by the relay
    const built = buildOllamaEmbedRequest(
      {
        model: String(body.model),
        input: typeof body.input === 'string' ? texts[0] : texts,
        ...(typeof body.dimensions === 'number' ? { dimensions: body.dimensions } : {}),
      },
      channel,
    );
    return built;
  },
  toOpenAi(json: unknown, model: string): Record<string, unknown> {
    if (isRecord(json) && typeof json.error === 'string')
      throw new GatewayError({ kind: 'upstream', message: json.error, raw: json });
    const parsed = parseOllamaEmbedResponse(json);
    return openAiEmbeddingList(parsed.embeddings, model, parsed.inputTokens ?? 0);
  },
};
