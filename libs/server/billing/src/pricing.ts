import { MODEL_PRICES_USD_PER_1M, UNKNOWN_MODEL_RATIO } from './model-prices';

/** USD per 1M prompt tokens represented by model ratio 1 (One API: ratio 1 = $0.002 / 1K tokens). */
export const USD_PER_1M_AT_RATIO_1 = 2;

export function defaultModelRatios(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(MODEL_PRICES_USD_PER_1M).map(([model, [input]]) => [
      model,
      round6(input / USD_PER_1M_AT_RATIO_1),
    ]),
  );
}

export function defaultCompletionRatios(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(MODEL_PRICES_USD_PER_1M).map(([model, [input, output]]) => [
      model,
      input > 0 ? round6(output / input) : 1,
    ]),
  );
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export interface RatioTables {
  modelRatio: Record<string, number>;
  completionRatio: Record<string, number>;
  groupRatio: Record<string, number>;
}

export interface ModelPrice {
  modelRatio: number;
  completionRatio: number;
  /** whether the model was found in a table (false: fallback ratio used) */
  known: boolean;
}

/** One API's heuristics for completion ratios of models that no table names. */
export function heuristicCompletionRatio(model: string): number {
  const m = model.toLowerCase();
  if (m.startsWith('gpt-3.5')) {
    if (m === 'gpt-3.5-turbo' || m.endsWith('0125')) return 3;
    if (m.endsWith('1106')) return 2;
    return 4 / 3;
  }
  if (m.startsWith('gpt-4o')) return m.endsWith('2024-05-13') ? 3 : 4;
  if (m.startsWith('gpt-4-turbo') || m.includes('preview')) return 3;
  if (m.startsWith('gpt-4')) return 2;
  if (m.startsWith('o1') || m.startsWith('o3') || m.startsWith('o4')) return 4;
  if (
    m.startsWith('claude-3') ||
    m.startsWith('claude-sonnet') ||
    m.startsWith('claude-opus') ||
    m.startsWith('claude-haiku')
  )
    return 5;
  if (m.startsWith('claude')) return 3;
  if (m.startsWith('mistral') || m.startsWith('gemini')) return 3;
  if (m.startsWith('deepseek')) return 2;
  return 1;
}

/** Lookup order as One API: "model(channelType)", then the model, then the fallback. */
export function resolveModelPrice(tables: RatioTables, model: string, channelType?: number): ModelPrice {
  const typed = channelType === undefined ? undefined : `${model}(${channelType})`;
  const ratio = (typed !== undefined ? tables.modelRatio[typed] : undefined) ?? tables.modelRatio[model];
  const completion =
    (typed !== undefined ? tables.completionRatio[typed] : undefined) ??
    tables.completionRatio[model] ??
    heuristicCompletionRatio(model);
  return {
    modelRatio: ratio ?? UNKNOWN_MODEL_RATIO,
    completionRatio: completion,
    known: ratio !== undefined,
  };
}

export function resolveGroupRatio(tables: RatioTables, group: string): number {
  const r = tables.groupRatio[group];
  return typeof r === 'number' && Number.isFinite(r) && r >= 0 ? r : 1;
}

export interface UsageTokens {
  promptTokens: number;
  completionTokens: number;
}

/**
 * One API's charge: ceil((prompt + completion × completionRatio) × modelRatio × groupRatio); nothing when no token
 * was used, at least 1 when the model is not free.
 */
export function computeQuota(usage: UsageTokens, price: ModelPrice, groupRatio: number): number {
  const tokens = usage.promptTokens + usage.completionTokens;
  if (tokens <= 0) return 0;
  const ratio = price.modelRatio * groupRatio;
  const raw = (usage.promptTokens + usage.completionTokens * price.completionRatio) * ratio;
  const quota = Math.ceil(raw - 1e-9);
  return ratio > 0 ? Math.max(1, quota) : 0;
}

/**
 * What to hold before the upstream call: the prompt estimate plus the most the answer may cost (its max_tokens, or
 * PreConsumedQuota tokens when the caller set none), priced like the final charge.
 */
export function computeReservation(
  promptTokensEstimate: number,
  maxCompletionTokens: number | undefined,
  preConsumedTokens: number,
  price: ModelPrice,
  groupRatio: number,
): number {
  const completion = maxCompletionTokens && maxCompletionTokens > 0 ? maxCompletionTokens : preConsumedTokens;
  return computeQuota(
    { promptTokens: Math.max(1, promptTokensEstimate), completionTokens: completion },
    price,
    groupRatio,
  );
}

/** Text of One API's consume log: "model ratio × group ratio × completion ratio". */
export function ratioLogText(price: ModelPrice, groupRatio: number): string {
  return `model ratio ${price.modelRatio} × group ratio ${groupRatio} × completion ratio ${price.completionRatio}`;
}
