import {
  GatewayError,
  isRecord,
  type NativeEmbeddings,
  type UpstreamChannel,
  type UpstreamHttpRequest,
} from '@one-api/llm-core';
import { nativeBaseUrl } from '../native-base-url';
import { ernieBodyError } from './parse-response';

export const ERNIE_EMBEDDINGS_PATH = '/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/';

/** Baidu's embedding models and their endpoints (`Embedding-V1` → `embedding-v1`, `bge-large-zh` → `bge_large_zh`). */
export function ernieEmbeddingEndpoint(model: string): string {
  return model.toLowerCase().startsWith('bge-') || model.toLowerCase().startsWith('tao-')
    ? model.toLowerCase().replace(/-/g, '_')
    : model.toLowerCase();
}

/**
 * OpenAI embeddings ↔ ERNIE embeddings: `{input: [...]}` at `/embeddings/{endpoint}` (the access token is added by
 * the adapter's `authorize`), answered with an OpenAI-like `{data: [{embedding, index}], usage}` or `{error_code}`.
 */
export const baiduEmbeddings: NativeEmbeddings = {
  buildRequest(body: Record<string, unknown>, channel: UpstreamChannel): UpstreamHttpRequest {
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(input) || !input.every((item) => typeof item === 'string'))
      throw new GatewayError({
        kind: 'invalid-request',
        status: 400,
        param: 'input',
        message: 'ERNIE embeddings take text input (a string or an array of strings)',
      });
    return {
      url: nativeBaseUrl(channel) + ERNIE_EMBEDDINGS_PATH + ernieEmbeddingEndpoint(String(body.model)),
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ input, ...(typeof body.user === 'string' ? { user_id: body.user } : {}) }),
      warnings: [],
    };
  },
  toOpenAi(json: unknown, model: string): Record<string, unknown> {
    if (!isRecord(json))
      throw new GatewayError({ kind: 'upstream', message: 'ERNIE answered no JSON object' });
    const error = ernieBodyError(json);
    if (error) throw error;
    const usage = isRecord(json.usage) ? json.usage : {};
    const prompt = typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0;
    return {
      object: 'list',
      data: (Array.isArray(json.data) ? json.data : []).filter(isRecord).map((item, position) => ({
        object: 'embedding',
        index: typeof item.index === 'number' ? item.index : position,
        embedding: item.embedding,
      })),
      model,
      usage: {
        prompt_tokens: prompt,
        total_tokens: typeof usage.total_tokens === 'number' ? usage.total_tokens : prompt,
      },
    };
  },
};
