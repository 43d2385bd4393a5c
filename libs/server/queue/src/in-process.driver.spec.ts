import { InProcessQueueDriver } from './in-process.driver';
import { JobRegistry } from './job-registry';

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

describe('InProcessQueueDriver', () => {
  it('runs typed jobs through the registered processor and de-duplicates by key', async () => {
    const registry = new JobRegistry();
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    registry.register('channel-test', async ({ channelId }) => {
      seen.push(channelId);
      await gate;
    });
    const driver = new InProcessQueueDriver(registry);
    await driver.add('channel-test', { channelId: 1 }, { key: 'k' });
    await driver.add('channel-test', { channelId: 2 }, { key: 'k' }); // same key while the first runs: dropped
    await tick();
    expect((await driver.counts()).active).toBe(1);
    release();
    await tick();
    expect(seen).toEqual([1]);
    expect((await driver.counts()).completed).toBe(1);
    await driver.add('channel-test', { channelId: 3 }, { key: 'k' }); // key free again
    await tick();
    expect(seen).toEqual([1, 3]);
  });

  it('retries a failing job with back-off, then gives up', async () => {
    const registry = new JobRegistry();
    let calls = 0;
    registry.register('log-retention', async () => {
      calls++;
      throw new Error('database away');
    });
    const driver = new InProcessQueueDriver(registry);
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      await driver.add('log-retention', {}, { attempts: 2 });
      await jest.advanceTimersByTimeAsync(0);
      expect(calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1000);
      expect(calls).toBe(2);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(calls).toBe(2);
      expect((await driver.counts()).failed).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('runs scheduled jobs on their interval and stops at shutdown', async () => {
    const registry = new JobRegistry();
    let runs = 0;
    registry.register('trace-retention', async () => {
      runs++;
    });
    const driver = new InProcessQueueDriver(registry);
    await driver.schedule('trace-retention', 20, {});
    await tick(75);
    expect(runs).toBeGreaterThanOrEqual(2);
    await driver.beforeApplicationShutdown();
    const after = runs;
    await tick(60);
    expect(runs).toBe(after);
  });
});
