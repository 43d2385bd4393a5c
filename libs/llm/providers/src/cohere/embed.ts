import {
  asNumber,
  GatewayError,
  invalidRequest,
  isRecord,
  type UpstreamChannel,
  type UpstreamHttpRequest,
} from '@one-api/llm-core';
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
