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
import { cohereHeaders, cohereUrl } from './build-request';

export type CohereInputType = 'search_document' | 'search_query' | 'classification' | 'clustering';

export interface CohereEmbedInput {
  model: string;
  texts: string[];
  /** Required by embed v3+ models; OpenAI-style callers name none, so documents are assumed. */
  inputType?: CohereInputType;
  dimensions?: number;
}

export interface CohereEmbedResult {
  id: string;
  embeddings: number[][];
  inputTokens?: number;
}

/** `POST {base}/v2/embed` with `{model, texts, input_type, embedding_types: ['float']}`. */
export function buildCohereEmbedRequest(
  input: CohereEmbedInput,
  channel: UpstreamChannel,
): UpstreamHttpRequest {
  if (input.texts.length === 0) throw invalidRequest('input must not be empty', 'input');
  const body: Record<string, unknown> = {
    model: input.model,
    texts: input.texts,
    input_type: input.inputType ?? 'search_document',
    embedding_types: ['float'],
  };
  if (input.dimensions !== undefined) body.output_dimension = input.dimensions;
  return {
    url: cohereUrl(channel, '/v2/embed'),
    method: 'POST',
    headers: cohereHeaders(channel),
    body: JSON.stringify(body),
    warnings: [],
  };
}

/** `{id, embeddings: {float: [[...]]}, meta: {billed_units: {input_tokens}}}` → vectors in input order. */
export function parseCohereEmbedResponse(json: unknown): CohereEmbedResult {
  const embeddings = isRecord(json) && isRecord(json.embeddings) ? json.embeddings.float : undefined;
  if (!isRecord(json) || !Array.isArray(embeddings)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned an embed response without float embeddings',
      raw: json,
    });
  }
  const meta = isRecord(json.meta) ? json.meta : {};
  const billed = isRecord(meta.billed_units) ? meta.billed_units : {};
  const out: CohereEmbedResult = {
    id: typeof json.id === 'string' ? json.id : '',
    embeddings: embeddings.filter(Array.isArray).map((vector) => vector.map(Number)),
  };
  const inputTokens = asNumber(billed.input_tokens);
  if (inputTokens !== undefined) out.inputTokens = inputTokens;
  return out;
}

const INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering']);

/**
 * OpenAI embeddings ↔ Cohere `/v2/embed` for the gateway's `/v1/embeddings`. OpenAI's request has no input type: a
 * caller may add Cohere's `input_type`, else documents are assumed. `dimensions` → `output_dimension`.
 */
export const cohereEmbeddings: NativeEmbeddings = {
  buildRequest(body: Record<string, unknown>, channel: UpstreamChannel): UpstreamHttpRequest {
    const inputType =
      typeof body.input_type === 'string' && INPUT_TYPES.has(body.input_type) ? body.input_type : undefined;
    // base64 callers (the openai SDK's default) get floats re-encoded by the relay
    const built = buildCohereEmbedRequest(
      {
        model: String(body.model),
        texts: embeddingTexts(body.input, 'Cohere'),
        ...(inputType ? { inputType: inputType as CohereInputType } : {}),
        ...(typeof body.dimensions === 'number' ? { dimensions: body.dimensions } : {}),
      },
      channel,
    );
    return built;
  },
  toOpenAi(json: unknown, model: string): Record<string, unknown> {
    if (isRecord(json) && typeof json.message === 'string' && !isRecord(json.embeddings))
      throw new GatewayError({ kind: 'upstream', message: json.message, raw: json });
    const parsed = parseCohereEmbedResponse(json);
    return openAiEmbeddingList(parsed.embeddings, model, parsed.inputTokens ?? 0);
  },
};
