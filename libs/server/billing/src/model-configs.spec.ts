import {
  applyModelConfig,
  modelConfigsProblem,
  modelConfigsText,
  priceAsModelConfig,
  readModelConfigs,
  validateModelConfigs,
} from './model-configs';
import { computeQuota, defaultCompletionRatios, defaultModelRatios, resolveModelPrice } from './pricing';

const tables = {
  modelRatio: defaultModelRatios(),
  completionRatio: defaultCompletionRatios(),
  groupRatio: {},
};

describe('channel model_configs', () => {
  it('accepts an object or its JSON text, keeps priced fields and drops the rest', () => {
    const value = {
      'gpt-4o-mini': {
        ratio: 0.05,
        completion_ratio: 4,
        cached_input_ratio: -1,
        video: { per_second_usd: 1 },
      },
    };
    expect(validateModelConfigs(value)).toEqual({
      configs: { 'gpt-4o-mini': { ratio: 0.05, completion_ratio: 4, cached_input_ratio: -1 } },
      errors: [],
    });
    expect(validateModelConfigs(JSON.stringify(value)).configs).toEqual(validateModelConfigs(value).configs);
    expect(modelConfigsText({})).toBe('');
    expect(modelConfigsText(null)).toBe('');
  });

  it('names every problem with its path', () => {
    const { errors } = validateModelConfigs({
      a: { ratio: -1, completion_ratio: 'x' },
      b: [],
      c: { tiers: [{ ratio: 1 }, 'x'] },
    });
    expect(errors).toEqual([
      'a.ratio: must not be negative',
      'a.completion_ratio: must be a number',
      'b: must be an object',
      'c.tiers[0].input_token_threshold: required, ≥ 0',
      'c.tiers[1]: must be an object',
    ]);
    expect(modelConfigsProblem('not json')).toBe(
      'invalid model_configs: model_configs must be a JSON object keyed by model name',
    );
    expect(modelConfigsProblem({ a: { ratio: 1 } })).toBeNull();
  });

  it('prices nothing from a stored value that is broken, and keeps what is valid of a partly broken one', () => {
    expect(readModelConfigs('{oops')).toEqual({});
    expect(readModelConfigs('{"a":{"ratio":2,"tiers":[{"ratio":1}]},"b":{"ratio":1}}')).toEqual({
      a: { ratio: 2, tiers: undefined },
      b: { ratio: 1 },
    });
  });

  it('overrides only the given fields, re-deriving cache prices from a new ratio', () => {
    const base = resolveModelPrice(tables, 'claude-sonnet-4-5');
    const cheaper = applyModelConfig(base, 'claude-sonnet-4-5', { ratio: 1 });
    expect(cheaper).toMatchObject({
      modelRatio: 1,
      completionRatio: 5,
      cachedInputRatio: 0.1,
      cacheWrite5mRatio: 1.25,
      cacheWrite1hRatio: 2,
      tiers: [],
    });
    expect(applyModelConfig(base, 'claude-sonnet-4-5', undefined)).toBe(base);
    const tiered = applyModelConfig(base, 'claude-sonnet-4-5', {
      tiers: [{ input_token_threshold: 1000, ratio: 3 }],
    });
    expect(computeQuota({ promptTokens: 1001, completionTokens: 0 }, tiered, 1)).toBe(3003);
    expect(computeQuota({ promptTokens: 1000, completionTokens: 0 }, tiered, 1)).toBe(1500);
    expect(priceAsModelConfig(tiered).tiers).toEqual([
      {
        input_token_threshold: 1000,
        ratio: 3,
        completion_ratio: 5,
        cached_input_ratio: 0.3,
        cache_write_5m_ratio: 3.75,
        cache_write_1h_ratio: 6,
      },
    ]);
  });
});
