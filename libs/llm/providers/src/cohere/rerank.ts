import {
  asNumber,
  GatewayError,
  invalidRequest,
  isRecord,
  type UpstreamChannel,
  type UpstreamHttpRequest,
} from '@one-api/llm-core';
import { cohereHeaders, cohereUrl } from './build-request';

/** A rerank call as the gateway's `/v1/rerank` endpoint receives it (Cohere / Jina shape). */
export interface RerankInput {
  model: string;
  query: string;
  /** Plain strings; objects with a `text` field are read as their text. */
  documents: Array<string | { text: string }>;
  topN?: number;
  /** Longer documents are truncated to this many tokens by Cohere (default 4096 there). */
  maxTokensPerDoc?: number;
}

export interface RerankResult {
  id: string;
  /** Best first, as the provider ranked them; `index` points into the request's documents. */
  results: Array<{ index: number; relevanceScore: number }>;
  /** What the provider billed: Cohere counts search units (one per query over ≤100 documents). */
  searchUnits?: number;
  inputTokens?: number;
}

/** `POST {base}/v2/rerank` with `{model, query, documents, top_n, max_tokens_per_doc}`. */
export function buildCohereRerankRequest(input: RerankInput, channel: UpstreamChannel): UpstreamHttpRequest {
  if (input.query === '') throw invalidRequest('query must not be empty', 'query');
  if (input.documents.length === 0) throw invalidRequest('documents must not be empty', 'documents');
  const documents = input.documents.map((doc) => (typeof doc === 'string' ? doc : doc.text));
  const body: Record<string, unknown> = { model: input.model, query: input.query, documents };
  if (input.topN !== undefined) body.top_n = input.topN;
  if (input.maxTokensPerDoc !== undefined) body.max_tokens_per_doc = input.maxTokensPerDoc;
  return {
    url: cohereUrl(channel, '/v2/rerank'),
    method: 'POST',
    headers: cohereHeaders(channel),
    body: JSON.stringify(body),
    warnings: [],
  };
}

/** Cohere's rerank answer `{id, results: [{index, relevance_score}], meta: {billed_units}}` → `RerankResult`. */
export function parseCohereRerankResponse(json: unknown): RerankResult {
  if (!isRecord(json) || !Array.isArray(json.results)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a rerank response without results',
      raw: json,
    });
  }
  const results = json.results.filter(isRecord).map((item) => ({
    index: asNumber(item.index) ?? 0,
    relevanceScore: asNumber(item.relevance_score) ?? 0,
  }));
  const meta = isRecord(json.meta) ? json.meta : {};
  const billed = isRecord(meta.billed_units) ? meta.billed_units : {};
  const out: RerankResult = { id: typeof json.id === 'string' ? json.id : '', results };
  const searchUnits = asNumber(billed.search_units);
  if (searchUnits !== undefined) out.searchUnits = searchUnits;
  const inputTokens = asNumber(billed.input_tokens);
  if (inputTokens !== undefined) out.inputTokens = inputTokens;
  return out;
}
