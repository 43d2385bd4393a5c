import {
  GatewayError,
  isRecord,
  type NativeEmbeddings,
  type UpstreamChannel,
  type UpstreamHttpRequest,
} from '@one-api/llm-core';
import { nativeBaseUrl } from '../native-base-url';
import { aliBodyError } from './parse-response';

export const DASHSCOPE_EMBEDDINGS_PATH = '/api/v1/services/embeddings/text-embedding/text-embedding';

function texts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) return input as string[];
  throw new GatewayError({
    kind: 'invalid-request',
    status: 400,
    param: 'input',
    message: 'DashScope embeddings take text input (a string or an array of strings)',
  });
}

/**
 * OpenAI embeddings ↔ DashScope text-embedding: `{model, input: {texts}, parameters: {dimension?}}` answered
 * `{output: {embeddings: [{text_index, embedding}]}, usage: {total_tokens}, request_id}`.
 */
export const aliEmbeddings: NativeEmbeddings = {
  buildRequest(body: Record<string, unknown>, channel: UpstreamChannel): UpstreamHttpRequest {
    const parameters: Record<string, unknown> = {};
    if (typeof body.dimensions === 'number') parameters.dimension = body.dimensions;
    const warnings =
      body.encoding_format === 'base64' ? ['encoding_format base64 was answered as floats'] : [];
    return {
      url: nativeBaseUrl(channel) + DASHSCOPE_EMBEDDINGS_PATH,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${channel.key}` },
      body: JSON.stringify({ model: body.model, input: { texts: texts(body.input) }, parameters }),
      warnings,
    };
  },
  toOpenAi(json: unknown, model: string): Record<string, unknown> {
    if (!isRecord(json))
      throw new GatewayError({ kind: 'upstream', message: 'DashScope answered no JSON object' });
    const error = aliBodyError(json);
    if (error) throw error;
    const embeddings =
      isRecord(json.output) && Array.isArray(json.output.embeddings) ? json.output.embeddings : [];
    const tokens =
      isRecord(json.usage) && typeof json.usage.total_tokens === 'number' ? json.usage.total_tokens : 0;
    return {
      object: 'list',
      data: embeddings.filter(isRecord).map((item, position) => ({
        object: 'embedding',
        index: typeof item.text_index === 'number' ? item.text_index : position,
        embedding: item.embedding,
      })),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  },
};
