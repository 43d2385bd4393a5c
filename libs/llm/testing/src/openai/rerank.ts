import type { FakeExchange } from '../core/exchange';
import { invalidParameter, missingParameter, type OpenAIErrorResponse } from './errors';
import { randomId } from './ids';
import { estimateTokens } from './usage';

type Send = (e: OpenAIErrorResponse) => Promise<void>;

const documentText = (doc: unknown) =>
  typeof doc === 'string'
    ? doc
    : doc && typeof doc === 'object' && typeof (doc as { text?: unknown }).text === 'string'
      ? (doc as { text: string }).text
      : JSON.stringify(doc);

/** Score: the share of the query's words found in the document (deterministic, in [0, 1]). */
export function fakeRelevance(query: string, document: string): number {
  const words = query.toLowerCase().match(/\w+/g) ?? [];
  if (words.length === 0) return 0;
  const text = document.toLowerCase();
  const hits = words.filter((w) => text.includes(w)).length;
  return Math.round((hits / words.length) * 0.9 * 1e6) / 1e6 + 0.05;
}

/** Tokens a rerank call reports: the query and each document, the query counted once per document. */
export function predictRerankTokens(query: string, documents: readonly unknown[]): number {
  return documents.reduce<number>(
    (sum, doc) => sum + estimateTokens(query) + estimateTokens(documentText(doc)),
    0,
  );
}

/**
 * POST /v1/rerank (and /v2/rerank), the Jina / Cohere shape served by OpenAI-compatible rerank providers:
 * `{model, query, documents, top_n?, return_documents?}` → `{id, results: [{index, relevance_score, document?}]}`
 * best first, with Jina's `usage: {total_tokens}` — or, for Cohere models (`rerank-*`), Cohere's
 * `meta: {billed_units: {search_units}}` (one unit per 100 documents).
 */
export async function handleRerank(ex: FakeExchange, send: Send): Promise<void> {
  const req = (ex.body ?? {}) as Record<string, unknown>;
  if (typeof req.model !== 'string' || req.model === '') return send(missingParameter('model'));
  if (typeof req.query !== 'string' || req.query === '') return send(missingParameter('query'));
  if (!Array.isArray(req.documents) || req.documents.length === 0) return send(missingParameter('documents'));
  const topN = req.top_n === undefined ? req.documents.length : Number(req.top_n);
  if (!Number.isInteger(topN) || topN < 1)
    return send(invalidParameter('top_n', "'top_n' must be positive."));
  const query = req.query;
  const withDocuments = req.return_documents !== false;
  const results = req.documents
    .map((doc, index) => ({ index, relevance_score: fakeRelevance(query, documentText(doc)), doc }))
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    .slice(0, topN)
    .map(({ index, relevance_score, doc }) =>
      withDocuments
        ? { index, relevance_score, document: { text: documentText(doc) } }
        : { index, relevance_score },
    );
  if (req.model.startsWith('rerank-')) {
    return ex.json(200, {
      id: randomId(32),
      results,
      meta: {
        api_version: { version: '2' },
        billed_units: { search_units: Math.ceil(req.documents.length / 100) },
      },
    });
  }
  return ex.json(200, {
    model: req.model,
    usage: { total_tokens: predictRerankTokens(query, req.documents) },
    results,
  });
}
