import type { Request } from 'express';
import { countTextTokens, tryParseJson } from '@one-api/llm-core';
import { buildCohereRerankRequest, parseCohereRerankResponse } from '@one-api/llm-providers';
import {
  RatioTablesService,
  RERANK_USD_PER_1K_SEARCHES,
  RERANK_USD_PER_1M_TOKENS,
  rerankSearchQuota,
  rerankTokenQuota,
} from '@one-api/server-billing';
import { parseChannelConfig } from '../channel-adapters.service';
import { relayErrors } from '../relay-error';
import { parseOpenAiUpstreamError } from '../upstream-errors';
import {
  MediaAttemptContext,
  MediaCharge,
  MediaJob,
  MediaJobFactory,
  openAiCompatibleRequest,
  speaksOpenAi,
} from './media-relay.service';

/** Channels reached through the native Cohere adapter (`/v2/rerank` with its own request and answer). */
const speaksCohere = (context: MediaAttemptContext) => context.adapter?.format === 'cohere';

/** Cohere's unit: one search is one query over at most 100 documents. */
const DOCUMENTS_PER_SEARCH = 100;
/** Search units reported for a model without a price of its own are charged at Cohere's $2 per 1000 searches. */
const DEFAULT_USD_PER_1K_SEARCHES = 2;

interface RerankUsage {
  usage?: { total_tokens?: number; prompt_tokens?: number };
  meta?: {
    billed_units?: { search_units?: number; input_tokens?: number };
    tokens?: { input_tokens?: number };
  };
}

function documentText(doc: unknown): string {
  if (typeof doc === 'string') return doc;
  if (doc && typeof doc === 'object' && typeof (doc as { text?: unknown }).text === 'string')
    return (doc as { text: string }).text;
  return JSON.stringify(doc);
}

/**
 * The charge of a rerank call from what the provider reported: search units for search-priced models (Cohere's
 * meta.billed_units.search_units), tokens for token-priced ones (Jina / SiliconFlow / Fireworks usage.total_tokens),
 * the gateway's own estimate when the provider reported nothing.
 */
export function rerankCharge(
  model: string,
  reported: RerankUsage | undefined,
  estimate: { searches: number; tokens: number },
  ratios: RatioTablesService,
  groupRatio: number,
): MediaCharge {
  const searchUnits = reported?.meta?.billed_units?.search_units;
  const tokens =
    reported?.usage?.total_tokens ??
    reported?.usage?.prompt_tokens ??
    reported?.meta?.billed_units?.input_tokens ??
    reported?.meta?.tokens?.input_tokens;
  const perSearch = RERANK_USD_PER_1K_SEARCHES[model];
  if (perSearch !== undefined) {
    const units = searchUnits ?? estimate.searches;
    return {
      quota: rerankSearchQuota(perSearch, units, groupRatio),
      promptTokens: tokens ?? 0,
      completionTokens: 0,
      note: `rerank: ${units} search unit(s) × $${perSearch}/1K; group ratio ${groupRatio}`,
    };
  }
  const perToken = RERANK_USD_PER_1M_TOKENS[model];
  if (perToken !== undefined) {
    const count = tokens ?? estimate.tokens;
    return {
      quota: rerankTokenQuota(perToken, count, groupRatio),
      promptTokens: count,
      completionTokens: 0,
      note: `rerank: ${count} tokens × $${perToken}/1M; group ratio ${groupRatio}`,
    };
  }
  if (searchUnits !== undefined && tokens === undefined) {
    return {
      quota: rerankSearchQuota(DEFAULT_USD_PER_1K_SEARCHES, searchUnits, groupRatio),
      promptTokens: 0,
      completionTokens: 0,
      note: `rerank: ${searchUnits} search unit(s) × $${DEFAULT_USD_PER_1K_SEARCHES}/1K; group ratio ${groupRatio}`,
    };
  }
  const count = tokens ?? estimate.tokens;
  const ratio = ratios.price(model).modelRatio;
  return {
    quota: count > 0 && ratio > 0 ? Math.max(1, Math.ceil(count * ratio * groupRatio - 1e-9)) : 0,
    promptTokens: count,
    completionTokens: 0,
    note: `rerank: ${count} tokens × model ratio ${ratio}; group ratio ${groupRatio}`,
  };
}

/**
 * POST /v1/rerank (and /v2/rerank): `{model, query, documents, top_n, return_documents}` →
 * `{results: [{index, relevance_score, document?}], usage | meta}`. Served by OpenAI-compatible channels that
 * expose /v1/rerank (Jina, SiliconFlow, DeepInfra, Fireworks, a Cohere-compatible proxy); the answer is passed
 * through as the provider gave it. Cohere channels (type 35) are reached natively: `/v2/rerank`, the answer rebuilt in
 * the same shape (documents added back when return_documents is not false) with Cohere's billed search units.
 */
export function rerankJob(req: Request, ratios: RatioTablesService): MediaJobFactory {
  return async ({ groupRatio }): Promise<MediaJob> => {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw relayErrors.badBody('The request body must be a JSON object');
    const payload = body as Record<string, unknown>;
    if (typeof payload.model !== 'string' || payload.model === '') throw relayErrors.modelMissing();
    if (typeof payload.query !== 'string' || payload.query === '')
      throw relayErrors.badBody('query is required', 'query');
    if (!Array.isArray(payload.documents) || payload.documents.length === 0)
      throw relayErrors.badBody('documents must be a non-empty array', 'documents');
    if (payload.top_n !== undefined && (!Number.isInteger(payload.top_n) || (payload.top_n as number) < 1))
      throw relayErrors.badBody('top_n must be a positive integer', 'top_n');
    const model = payload.model;
    const documents = payload.documents;
    const queryTokens = countTextTokens(payload.query, model);
    // Every document is scored together with the query: the query is counted once per document.
    const estimate = {
      searches: Math.ceil(documents.length / DOCUMENTS_PER_SEARCH),
      tokens: documents.reduce<number>(
        (sum, doc) => sum + queryTokens + countTextTokens(documentText(doc), model),
        0,
      ),
    };
    return {
      endpoint: 'rerank',
      model,
      hold: rerankCharge(model, undefined, estimate, ratios, groupRatio).quota,
      accepts: (context) => speaksOpenAi(context) || speaksCohere(context),
      build: (context) => {
        const { channel, upstreamModel } = context;
        if (speaksCohere(context)) {
          const http = buildCohereRerankRequest(
            {
              model: upstreamModel,
              query: payload.query as string,
              documents: documents.map((doc) => ({ text: documentText(doc) })),
              topN: payload.top_n as number | undefined,
            },
            {
              type: channel.type,
              baseUrl: channel.baseUrl ?? '',
              key: channel.key ?? '',
              config: parseChannelConfig(channel.config),
              other: channel.other ?? undefined,
            },
          );
          return { url: http.url, headers: http.headers, body: http.body };
        }
        return openAiCompatibleRequest(
          channel,
          '/v1/rerank',
          JSON.stringify({ ...payload, model: upstreamModel }),
          'application/json',
        );
      },
      parseError: (context, status, text) =>
        context.adapter && speaksCohere(context)
          ? context.adapter.parseError(status, text)
          : parseOpenAiUpstreamError(status, text),
      answer: async (response, res, context) => {
        const text = await response.body.text();
        if (speaksCohere(context)) {
          const parsed = parseCohereRerankResponse(tryParseJson(text));
          const withDocuments = payload.return_documents !== false;
          const meta = {
            billed_units: {
              ...(parsed.searchUnits !== undefined ? { search_units: parsed.searchUnits } : {}),
              ...(parsed.inputTokens !== undefined ? { input_tokens: parsed.inputTokens } : {}),
            },
          };
          res.status(200).json({
            id: parsed.id,
            results: parsed.results.map((r) => ({
              index: r.index,
              relevance_score: r.relevanceScore,
              ...(withDocuments ? { document: { text: documentText(documents[r.index]) } } : {}),
            })),
            meta,
          });
          return rerankCharge(model, { meta }, estimate, ratios, groupRatio);
        }
        res
          .status(200)
          .setHeader('Content-Type', String(response.headers['content-type'] ?? 'application/json'));
        res.end(text);
        return rerankCharge(
          model,
          tryParseJson(text) as RerankUsage | undefined,
          estimate,
          ratios,
          groupRatio,
        );
      },
    };
  };
}
