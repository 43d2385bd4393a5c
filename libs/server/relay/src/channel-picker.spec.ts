import { Candidate, pickCandidate } from './channel-picker';

const c = (channelId: number, priority: number, weight = 0): Candidate => ({ channelId, priority, weight });

describe('pickCandidate', () => {
  it('takes the highest priority tier first', () => {
    const list = [c(1, 0), c(2, 10), c(3, 5)];
    expect(pickCandidate(list, new Set())?.channelId).toBe(2);
  });

  it('falls to the next tier when the top one is excluded', () => {
    const list = [c(1, 0), c(2, 10), c(3, 5)];
    expect(pickCandidate(list, new Set([2]))?.channelId).toBe(3);
    expect(pickCandidate(list, new Set([2, 3]))?.channelId).toBe(1);
    expect(pickCandidate(list, new Set([1, 2, 3]))).toBeUndefined();
  });

  it('draws by weight inside a tier', () => {
    const list = [c(1, 0, 1), c(2, 0, 3)];
    expect(pickCandidate(list, new Set(), () => 0.2)?.channelId).toBe(1);
    expect(pickCandidate(list, new Set(), () => 0.3)?.channelId).toBe(2);
    const counts = { 1: 0, 2: 0 } as Record<number, number>;
    let seed = 1;
    const rng = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 4000; i++) counts[pickCandidate(list, new Set(), rng)!.channelId]++;
    expect(counts[2] / counts[1]).toBeGreaterThan(2.5);
    expect(counts[2] / counts[1]).toBeLessThan(3.5);
  });

  it('is uniform when every weight is zero', () => {
    const list = [c(1, 0), c(2, 0), c(3, 0)];
    expect(pickCandidate(list, new Set(), () => 0)?.channelId).toBe(1);
    expect(pickCandidate(list, new Set(), () => 0.99)?.channelId).toBe(3);
  });
});
