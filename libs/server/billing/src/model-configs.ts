import { defaultCacheRatios, ModelPrice, PriceTier } from './pricing';

/**
 * One channel's per-model prices (`channels.model_configs`, the fork's JSON map model → config). Every field is
 * optional and overrides the global price of that model on that channel only; ratios are quota per token (model
 * ratio 1 = $2 per 1M tokens), cache ratios are absolute (> 0 the price, 0 = same as input, < 0 free).
 */
export interface ChannelModelConfig {
  ratio?: number;
  completion_ratio?: number;
  cached_input_ratio?: number;
  cache_write_5m_ratio?: number;
  cache_write_1h_ratio?: number;
  tiers?: ChannelPriceTier[];
  /** fixed quota per request (before the group ratio) */
  quota_per_call?: number;
  max_tokens?: number;
}

export interface ChannelPriceTier {
  /** the tier applies when a request's input tokens exceed this */
  input_token_threshold: number;
  ratio: number;
  completion_ratio?: number;
  cached_input_ratio?: number;
  cache_write_5m_ratio?: number;
  cache_write_1h_ratio?: number;
}

export type ChannelModelConfigs = Record<string, ChannelModelConfig>;

const NUMBER_FIELDS = [
  'ratio',
  'completion_ratio',
  'cached_input_ratio',
  'cache_write_5m_ratio',
  'cache_write_1h_ratio',
  'quota_per_call',
  'max_tokens',
] as const;
const NON_NEGATIVE = new Set(['ratio', 'completion_ratio', 'quota_per_call', 'max_tokens']);
const TIER_FIELDS = [
  'input_token_threshold',
  'ratio',
  'completion_ratio',
  'cached_input_ratio',
  'cache_write_5m_ratio',
  'cache_write_1h_ratio',
] as const;

/** Checks a model_configs value from the admin API; every problem is reported, with its path. */
export function validateModelConfigs(value: unknown): { configs: ChannelModelConfigs; errors: string[] } {
  const errors: string[] = [];
  const configs: ChannelModelConfigs = {};
  if (value === null || value === undefined || value === '') return { configs, errors };
  const parsed = typeof value === 'string' ? safeParse(value) : value;
  if (!isObject(parsed))
    return { configs, errors: ['model_configs must be a JSON object keyed by model name'] };
  for (const [model, raw] of Object.entries(parsed)) {
    if (!model.trim()) errors.push('model_configs: empty model name');
    if (!isObject(raw)) {
      errors.push(`${model}: must be an object`);
      continue;
    }
    const config: ChannelModelConfig = {};
    for (const [key, v] of Object.entries(raw)) {
      if ((NUMBER_FIELDS as readonly string[]).includes(key)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) errors.push(`${model}.${key}: must be a number`);
        else if (NON_NEGATIVE.has(key) && v < 0) errors.push(`${model}.${key}: must not be negative`);
        else (config as Record<string, number>)[key] = v;
      } else if (key === 'tiers') {
        config.tiers = validateTiers(`${model}.tiers`, v, errors);
      }
      // Other keys (the fork's capability metadata, video/audio/image prices) are priced elsewhere: dropped.
    }
    configs[model] = config;
  }
  return { configs, errors };
}

function validateTiers(path: string, value: unknown, errors: string[]): ChannelPriceTier[] {
  if (!Array.isArray(value)) {
    errors.push(`${path}: must be an array`);
    return [];
  }
  const tiers: ChannelPriceTier[] = [];
  value.forEach((raw, i) => {
    if (!isObject(raw)) {
      errors.push(`${path}[${i}]: must be an object`);
      return;
    }
    const tier: Record<string, number> = {};
    for (const key of TIER_FIELDS) {
      const v = raw[key];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) errors.push(`${path}[${i}].${key}: must be a number`);
      else tier[key] = v;
    }
    if (!(tier.input_token_threshold >= 0)) errors.push(`${path}[${i}].input_token_threshold: required, ≥ 0`);
    if (!(tier.ratio >= 0)) errors.push(`${path}[${i}].ratio: required, ≥ 0`);
    tiers.push(tier as unknown as ChannelPriceTier);
  });
  return tiers.sort((a, b) => a.input_token_threshold - b.input_token_threshold);
}

/** What is wrong with a model_configs value (null: nothing), for request validation. */
export function modelConfigsProblem(value: unknown): string | null {
  const { errors } = validateModelConfigs(value);
  return errors.length ? `invalid model_configs: ${errors.join('; ')}` : null;
}

/** A valid model_configs value as stored in channels.model_configs ('' when it prices nothing). */
export function modelConfigsText(value: unknown): string {
  const { configs } = validateModelConfigs(value);
  return Object.keys(configs).length ? JSON.stringify(configs) : '';
}

/** The hot-path reader: a stored value that does not parse prices nothing (the global prices apply). */
export function readModelConfigs(raw: string | null | undefined): ChannelModelConfigs {
  if (!raw) return {};
  const { configs, errors } = validateModelConfigs(raw);
  return errors.length ? salvage(configs) : configs;
}

function salvage(configs: ChannelModelConfigs): ChannelModelConfigs {
  // Keep the models whose configs validated field by field; a broken tier list is dropped whole.
  return Object.fromEntries(
    Object.entries(configs).map(([model, c]) => [
      model,
      c.tiers?.some((t) => !(t.input_token_threshold >= 0) || !(t.ratio >= 0))
        ? { ...c, tiers: undefined }
        : c,
    ]),
  );
}

/** The price of `model` on a channel whose config for it is `config` (none: the global price unchanged). */
export function applyModelConfig(
  base: ModelPrice,
  model: string,
  config: ChannelModelConfig | undefined,
): ModelPrice {
  if (!config) return base;
  const price: ModelPrice = { ...base, known: true };
  if (config.ratio !== undefined) {
    // A channel's own input price carries its own cache prices (the provider's multiples) and no list tiers.
    price.modelRatio = config.ratio;
    Object.assign(price, defaultCacheRatios(model, config.ratio));
    price.tiers = [];
  }
  if (config.completion_ratio !== undefined) price.completionRatio = config.completion_ratio;
  if (config.cached_input_ratio !== undefined) price.cachedInputRatio = config.cached_input_ratio;
  if (config.cache_write_5m_ratio !== undefined) price.cacheWrite5mRatio = config.cache_write_5m_ratio;
  if (config.cache_write_1h_ratio !== undefined) price.cacheWrite1hRatio = config.cache_write_1h_ratio;
  if (config.quota_per_call !== undefined) price.quotaPerCall = config.quota_per_call;
  if (config.tiers) {
    price.tiers = config.tiers.map((t): PriceTier => {
      const cache = defaultCacheRatios(model, t.ratio);
      return {
        inputTokenThreshold: t.input_token_threshold,
        modelRatio: t.ratio,
        completionRatio: t.completion_ratio ?? price.completionRatio,
        cachedInputRatio: t.cached_input_ratio ?? cache.cachedInputRatio,
        cacheWrite5mRatio: t.cache_write_5m_ratio ?? cache.cacheWrite5mRatio,
        cacheWrite1hRatio: t.cache_write_1h_ratio ?? cache.cacheWrite1hRatio,
      };
    });
  }
  return price;
}

/** A price as a model_configs entry (the default-pricing endpoint and the editor's starting point). */
export function priceAsModelConfig(price: ModelPrice): ChannelModelConfig {
  const config: ChannelModelConfig = {
    ratio: price.modelRatio,
    completion_ratio: price.completionRatio,
    cached_input_ratio: price.cachedInputRatio,
    cache_write_5m_ratio: price.cacheWrite5mRatio,
    cache_write_1h_ratio: price.cacheWrite1hRatio,
  };
  if (price.tiers.length)
    config.tiers = price.tiers.map((t) => ({
      input_token_threshold: t.inputTokenThreshold,
      ratio: t.modelRatio,
      completion_ratio: t.completionRatio,
      cached_input_ratio: t.cachedInputRatio,
      cache_write_5m_ratio: t.cacheWrite5mRatio,
      cache_write_1h_ratio: t.cacheWrite1hRatio,
    }));
  if (price.quotaPerCall > 0) config.quota_per_call = price.quotaPerCall;
  return config;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
