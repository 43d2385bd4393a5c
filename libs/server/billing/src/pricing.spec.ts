import {
  computeQuota,
  computeReservation,
  defaultCompletionRatios,
  defaultModelRatios,
  resolveGroupRatio,
  resolveModelPrice,
  RatioTables,
} from './pricing';

const tables = (): RatioTables => ({
  modelRatio: defaultModelRatios(),
  completionRatio: defaultCompletionRatios(),
  groupRatio: { default: 1, vip: 0.5 },
});

describe('pricing', () => {
  it('derives One API ratios from list prices (gpt-4o-mini: 0.075 and 4)', () => {
    const price = resolveModelPrice(tables(), 'gpt-4o-mini');
    expect(price).toMatchObject({ modelRatio: 0.075, completionRatio: 4, known: true });
    expect(resolveModelPrice(tables(), 'claude-3-5-sonnet-20241022')).toMatchObject({
      modelRatio: 1.5,
      completionRatio: 5,
    });
  });

  it('reproduces the inventory worked examples to the unit', () => {
    // gpt-4o-mini, 1000 prompt / 500 completion → ceil((1000 + 500×4) × 0.075) = 225
    expect(
      computeQuota(
        { promptTokens: 1000, completionTokens: 500 },
        resolveModelPrice(tables(), 'gpt-4o-mini'),
        1,
      ),
    ).toBe(225);
    // claude-3.5-sonnet 2000 in / 300 out → (2000 + 1500) × 1.5 = 5250
    expect(
      computeQuota(
        { promptTokens: 2000, completionTokens: 300 },
        resolveModelPrice(tables(), 'claude-3-5-sonnet-20241022'),
        1,
      ),
    ).toBe(5250);
  });

  it('applies the group ratio and the minimum of one unit', () => {
    const price = resolveModelPrice(tables(), 'gpt-4o-mini');
    expect(
      computeQuota({ promptTokens: 1000, completionTokens: 500 }, price, resolveGroupRatio(tables(), 'vip')),
    ).toBe(113);
    expect(computeQuota({ promptTokens: 1, completionTokens: 0 }, price, 1)).toBe(1);
    expect(computeQuota({ promptTokens: 0, completionTokens: 0 }, price, 1)).toBe(0);
    expect(computeQuota({ promptTokens: 10, completionTokens: 10 }, { ...price, modelRatio: 0 }, 1)).toBe(0);
  });

  it('prefers "model(channelType)" entries and falls back to ratio 30 for unknown models', () => {
    const t = tables();
    t.modelRatio['gpt-4o-mini(36)'] = 1;
    expect(resolveModelPrice(t, 'gpt-4o-mini', 36).modelRatio).toBe(1);
    expect(resolveModelPrice(t, 'gpt-4o-mini', 1).modelRatio).toBe(0.075);
    expect(resolveModelPrice(t, 'my-private-model')).toMatchObject({
      modelRatio: 30,
      completionRatio: 1,
      cachedInputRatio: 0,
      tiers: [],
      known: false,
    });
    expect(resolveGroupRatio(t, 'unknown-group')).toBe(1);
  });

  it('reserves prompt plus the maximum answer, priced like the final charge', () => {
    const price = resolveModelPrice(tables(), 'gpt-4o-mini');
    expect(computeReservation(1000, 100, 500, price, 1)).toBe(Math.ceil((1000 + 400) * 0.075));
    expect(computeReservation(1000, undefined, 500, price, 1)).toBe(Math.ceil((1000 + 2000) * 0.075));
  });
});

describe('cache, reasoning, tier and per-call pricing', () => {
  it('prices cache reads and 5m / 1h cache writes with the provider multiples (claude-sonnet-4-5)', () => {
    const price = resolveModelPrice(tables(), 'claude-sonnet-4-5');
    expect(price).toMatchObject({
      modelRatio: 1.5,
      completionRatio: 5,
      cachedInputRatio: 0.15,
      cacheWrite5mRatio: 1.875,
      cacheWrite1hRatio: 3,
    });
    // The inventory's fork example: 2000 uncached + 10000 read + 1000 written (5m) in, 500 out = 10125.
    expect(
      computeQuota(
        { promptTokens: 13000, cacheReadTokens: 10000, cacheWrite5mTokens: 1000, completionTokens: 500 },
        price,
        1,
      ),
    ).toBe(10125);
  });

  it('reads OpenAI cache hits at the model discount and bills reasoning as output', () => {
    const price = resolveModelPrice(tables(), 'gpt-4o-mini');
    expect(price.cachedInputRatio).toBe(0.0375);
    // 1000 in of which 600 cached, 500 out of which 300 reasoning: 400×0.075 + 600×0.0375 + 500×0.3 = 202.5
    expect(
      computeQuota(
        { promptTokens: 1000, cacheReadTokens: 600, completionTokens: 500, reasoningTokens: 300 },
        price,
        1,
      ),
    ).toBe(203);
  });

  it('switches to the long-context tier above the threshold, and only above it', () => {
    const price = resolveModelPrice(tables(), 'gemini-2.5-pro');
    expect(price.tiers).toHaveLength(1);
    expect(computeQuota({ promptTokens: 200_000, completionTokens: 0 }, price, 1)).toBe(125_000);
    expect(computeQuota({ promptTokens: 200_001, completionTokens: 0 }, price, 1)).toBe(
      Math.ceil(200_001 * 1.25),
    );
  });

  it('honours 0 = same as input and < 0 = free for cache ratios, and adds per-call quota', () => {
    const base = resolveModelPrice(tables(), 'gpt-4o-mini');
    const sameAsInput = { ...base, cachedInputRatio: 0 };
    expect(
      computeQuota({ promptTokens: 1000, cacheReadTokens: 1000, completionTokens: 0 }, sameAsInput, 1),
    ).toBe(75);
    const free = { ...base, cachedInputRatio: -1 };
    expect(computeQuota({ promptTokens: 1000, cacheReadTokens: 1000, completionTokens: 0 }, free, 1)).toBe(0);
    const perCall = { ...base, quotaPerCall: 2500 };
    expect(computeQuota({ promptTokens: 0, completionTokens: 0 }, perCall, 2)).toBe(5000);
  });
});
