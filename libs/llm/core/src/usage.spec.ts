import { makeUsage, uncachedInputTokens } from './usage';

describe('usage', () => {
  it('fills missing buckets with zero and totals input plus output', () => {
    expect(makeUsage({ inputTokens: 10, outputTokens: 5 })).toEqual({
      inputTokens: 10,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 5,
      reasoningTokens: 0,
      totalTokens: 15,
    });
    expect(makeUsage({ inputTokens: 1, outputTokens: 1, totalTokens: 7 }).totalTokens).toBe(7);
  });

  it('computes uncached input tokens', () => {
    const usage = makeUsage({
      inputTokens: 13000,
      cacheReadTokens: 10000,
      cacheWrite5mTokens: 1000,
      outputTokens: 5,
    });
    expect(uncachedInputTokens(usage)).toBe(2000);
  });
});
