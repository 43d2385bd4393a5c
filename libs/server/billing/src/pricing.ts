import { defaultCacheMultipliers } from './cache-prices';
import { MODEL_PRICES_USD_PER_1M, MODEL_TIERS_USD_PER_1M, UNKNOWN_MODEL_RATIO } from './model-prices';

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

export function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export interface RatioTables {
  modelRatio: Record<string, number>;
  completionRatio: Record<string, number>;
  groupRatio: Record<string, number>;
  /** Admin overrides of the cache prices (absolute ratios, like ModelRatio); absent models use the defaults. */
  cachedInputRatio?: Record<string, number>;
  cacheWrite5mRatio?: Record<string, number>;
  cacheWrite1hRatio?: Record<string, number>;
}

/**
 * Cache-bucket ratios are absolute (quota per token, like the model ratio), as in the fork's model_configs:
 * a value > 0 is the price, 0 means "same as uncached input", < 0 means free.
 */
export interface CacheRatios {
  cachedInputRatio: number;
  cacheWrite5mRatio: number;
  cacheWrite1hRatio: number;
}

/** Prices that replace the base ones when a request's input tokens exceed `inputTokenThreshold`. */
export interface PriceTier extends CacheRatios {
  inputTokenThreshold: number;
  modelRatio: number;
  completionRatio: number;
}

export interface ModelPrice extends CacheRatios {
  modelRatio: number;
  completionRatio: number;
  /** Long-context tiers, ascending by threshold; the highest one the request's input exceeds applies. */
  tiers: PriceTier[];
  /** A fixed charge per request in quota (before the group ratio), for per-call priced models. */
  quotaPerCall: number;
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

/** Cache ratios a model gets by default: its provider's published multiples of the input price. */
export function defaultCacheRatios(model: string, modelRatio: number): CacheRatios {
  const m = defaultCacheMultipliers(model);
  // A multiple of 1 is stored as 0 ("same as input") so that it follows later changes of the input price.
  const of = (multiple: number) => (multiple === 1 ? 0 : round6(modelRatio * multiple));
  return { cachedInputRatio: of(m.read), cacheWrite5mRatio: of(m.write5m), cacheWrite1hRatio: of(m.write1h) };
}

/** Built-in long-context tiers (list prices above a prompt size), converted to ratios. */
export function defaultTiers(model: string): PriceTier[] {
  return (MODEL_TIERS_USD_PER_1M[model] ?? []).map(({ above, input, output }) => ({
    inputTokenThreshold: above,
    modelRatio: round6(input / USD_PER_1M_AT_RATIO_1),
    completionRatio: round6(output / input),
    ...defaultCacheRatios(model, round6(input / USD_PER_1M_AT_RATIO_1)),
  }));
}

/** Lookup order as One API: "model(channelType)", then the model, then the fallback. */
export function resolveModelPrice(tables: RatioTables, model: string, channelType?: number): ModelPrice {
  const typed = channelType === undefined ? undefined : `${model}(${channelType})`;
  const lookup = (table: Record<string, number> | undefined): number | undefined =>
    table === undefined ? undefined : ((typed !== undefined ? table[typed] : undefined) ?? table[model]);
  const ratio = lookup(tables.modelRatio);
  const modelRatio = ratio ?? UNKNOWN_MODEL_RATIO;
  const cache = defaultCacheRatios(model, modelRatio);
  return {
    modelRatio,
    completionRatio: lookup(tables.completionRatio) ?? heuristicCompletionRatio(model),
    cachedInputRatio: lookup(tables.cachedInputRatio) ?? cache.cachedInputRatio,
    cacheWrite5mRatio: lookup(tables.cacheWrite5mRatio) ?? cache.cacheWrite5mRatio,
    cacheWrite1hRatio: lookup(tables.cacheWrite1hRatio) ?? cache.cacheWrite1hRatio,
    // Tiers are list prices: they apply only while the base price is the built-in one.
    tiers: ratio !== undefined && ratio === builtInRatio(model) ? defaultTiers(model) : [],
    quotaPerCall: 0,
    known: ratio !== undefined,
  };
}

let builtInRatios: Record<string, number> | undefined;
function builtInRatio(model: string): number | undefined {
  builtInRatios ??= defaultModelRatios();
  return builtInRatios[model];
}

export function resolveGroupRatio(tables: RatioTables, group: string): number {
  const r = tables.groupRatio[group];
  return typeof r === 'number' && Number.isFinite(r) && r >= 0 ? r : 1;
}

/**
 * Tokens of one request as billing sees them. `promptTokens` counts ALL input (cache reads and writes included,
 * the canonical Usage convention); the cache buckets are parts of it. `completionTokens` counts all output,
 * reasoning included (`reasoningTokens` is informational: reasoning is billed as output).
 */
export interface UsageTokens {
  promptTokens: number;
  completionTokens: number;
  cacheReadTokens?: number;
  cacheWrite5mTokens?: number;
  cacheWrite1hTokens?: number;
  reasoningTokens?: number;
}

/** The prices in force for a request with `promptTokens` input tokens (its long-context tier, if any). */
export function priceAt(price: ModelPrice, promptTokens: number): ModelPrice {
  let tier: PriceTier | undefined;
  for (const t of price.tiers) if (promptTokens > t.inputTokenThreshold) tier = t;
  if (!tier) return price;
  return {
    ...price,
    modelRatio: tier.modelRatio,
    completionRatio: tier.completionRatio,
    cachedInputRatio: tier.cachedInputRatio,
    cacheWrite5mRatio: tier.cacheWrite5mRatio,
    cacheWrite1hRatio: tier.cacheWrite1hRatio,
  };
}

/** An absolute cache ratio as a price: > 0 itself, 0 the input price, < 0 free. */
export function effectiveCacheRatio(ratio: number, modelRatio: number): number {
  if (ratio > 0) return ratio;
  return ratio < 0 ? 0 : modelRatio;
}

/**
 * The charge of one request, in quota:
 * ceil((uncached × ratio + cacheRead × cachedRatio + write5m × write5mRatio + write1h × write1hRatio
 *       + completion × ratio × completionRatio + quotaPerCall) × groupRatio),
 * at the tier the input size selects. Nothing when no token was used and there is no per-call price; at least 1
 * when anything is owed (One API's minimum).
 */
export function computeQuota(usage: UsageTokens, price: ModelPrice, groupRatio: number): number {
  const tokens = usage.promptTokens + usage.completionTokens;
  if (tokens <= 0 && !(price.quotaPerCall > 0)) return 0;
  const p = priceAt(price, usage.promptTokens);
  const prompt = Math.max(0, usage.promptTokens);
  const read = clamp(usage.cacheReadTokens, prompt);
  const write5m = clamp(usage.cacheWrite5mTokens, prompt - read);
  const write1h = clamp(usage.cacheWrite1hTokens, prompt - read - write5m);
  const uncached = prompt - read - write5m - write1h;
  const raw =
    (uncached * p.modelRatio +
      read * effectiveCacheRatio(p.cachedInputRatio, p.modelRatio) +
      write5m * effectiveCacheRatio(p.cacheWrite5mRatio, p.modelRatio) +
      write1h * effectiveCacheRatio(p.cacheWrite1hRatio, p.modelRatio) +
      usage.completionTokens * p.modelRatio * p.completionRatio +
      (price.quotaPerCall > 0 ? price.quotaPerCall : 0)) *
    groupRatio;
  if (raw <= 0) return 0;
  return Math.max(1, Math.ceil(raw - 1e-9));
}

function clamp(value: number | undefined, max: number): number {
  return Math.min(Math.max(0, value ?? 0), Math.max(0, max));
}

/**
 * What to hold before the upstream call: the prompt estimate plus the most the answer may cost (its max_tokens, or
 * PreConsumedQuota tokens when the caller set none), priced like the final charge (prompt as uncached input).
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

/** Text of One API's consume log: "model ratio × group ratio × completion ratio", plus the cache prices used. */
export function ratioLogText(price: ModelPrice, groupRatio: number, usage?: UsageTokens): string {
  const p = usage ? priceAt(price, usage.promptTokens) : price;
  let text = `model ratio ${p.modelRatio} × group ratio ${groupRatio} × completion ratio ${p.completionRatio}`;
  if (usage?.cacheReadTokens)
    text += `; cached input ratio ${effectiveCacheRatio(p.cachedInputRatio, p.modelRatio)}`;
  if (usage?.cacheWrite5mTokens)
    text += `; cache write 5m ratio ${effectiveCacheRatio(p.cacheWrite5mRatio, p.modelRatio)}`;
  if (usage?.cacheWrite1hTokens)
    text += `; cache write 1h ratio ${effectiveCacheRatio(p.cacheWrite1hRatio, p.modelRatio)}`;
  if (p !== price) text += `; long-context tier`;
  if (price.quotaPerCall > 0) text += `; per call ${price.quotaPerCall}`;
  return text;
}
