/**
 * Default prices of cached input and cache writes, as multiples of a model's input price. Providers publish them
 * that way: Anthropic reads at 0.1×, writes at 1.25× (5-minute TTL) and 2× (1-hour TTL); OpenAI, Google, DeepSeek,
 * xAI and Moonshot discount cache hits by a fixed factor per model generation and charge no cache writes.
 * A multiple of 1 (or no entry) means "same as uncached input".
 */
export interface CacheMultipliers {
  read: number;
  write5m: number;
  write1h: number;
}

const NO_CACHE_DISCOUNT: CacheMultipliers = { read: 1, write5m: 1, write1h: 1 };
const ANTHROPIC: CacheMultipliers = { read: 0.1, write5m: 1.25, write1h: 2 };
const readOnly = (read: number): CacheMultipliers => ({ read, write5m: 1, write1h: 1 });

/** First matching prefix wins, so more specific prefixes come first. */
const BY_PREFIX: ReadonlyArray<readonly [prefix: string, multipliers: CacheMultipliers]> = [
  ['claude', ANTHROPIC],
  // OpenAI: the first gpt-4o snapshot and chatgpt-4o-latest have no cached-input price.
  ['gpt-4o-2024-05-13', NO_CACHE_DISCOUNT],
  ['chatgpt-4o', NO_CACHE_DISCOUNT],
  ['gpt-4o', readOnly(0.5)],
  ['o1', readOnly(0.5)],
  ['o3-mini', readOnly(0.5)],
  ['gpt-4.1', readOnly(0.25)],
  ['o3', readOnly(0.25)],
  ['o4-mini', readOnly(0.25)],
  ['gpt-5', readOnly(0.1)],
  // Google: implicit-cache hits (storage per hour is not billed per request).
  ['gemini-2.5', readOnly(0.1)],
  ['gemini-2.0', readOnly(0.25)],
  // DeepSeek cache hits, xAI cached prompt tokens, Moonshot Kimi K2 cache hits.
  ['deepseek', readOnly(0.1)],
  ['grok-code', readOnly(0.1)],
  ['grok', readOnly(0.25)],
  ['kimi-k2', readOnly(0.25)],
];

export function defaultCacheMultipliers(model: string): CacheMultipliers {
  const m = model.toLowerCase();
  for (const [prefix, multipliers] of BY_PREFIX) if (m.startsWith(prefix)) return multipliers;
  return NO_CACHE_DISCOUNT;
}
