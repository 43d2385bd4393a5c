import { exposedGc, startIdleMemoryRelease } from './idle-memory';

describe('startIdleMemoryRelease', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('collects once after a busy period has been quiet for idleMs, never while requests are in flight', () => {
    const activity = { inFlight: 0, completed: 0 };
    const gc = jest.fn();
    // modern fake timers move Date.now with the timers
    const stop = startIdleMemoryRelease(activity, 1000, gc);
    const tick = (ms: number) => jest.advanceTimersByTime(ms);
    tick(5000);
    expect(gc).not.toHaveBeenCalled(); // no traffic since boot: nothing to give back

    activity.inFlight = 3;
    tick(3000);
    expect(gc).not.toHaveBeenCalled(); // busy
    activity.inFlight = 0;
    activity.completed = 40;
    tick(500);
    expect(gc).not.toHaveBeenCalled(); // quiet for less than idleMs
    tick(1500);
    expect(gc).toHaveBeenCalledTimes(1);
    tick(10_000);
    expect(gc).toHaveBeenCalledTimes(1); // once per busy period

    activity.completed = 41;
    tick(2000);
    expect(gc).toHaveBeenCalledTimes(2);
    stop();
  });

  it('is off with idleMs 0 or without a collector', () => {
    const gc = jest.fn();
    startIdleMemoryRelease({ inFlight: 0, completed: 1 }, 0, gc)();
    jest.advanceTimersByTime(10_000);
    expect(gc).not.toHaveBeenCalled();
  });
});

describe('exposedGc', () => {
  it('returns V8’s collector, which runs', () => {
    const gc = exposedGc();
    expect(typeof gc).toBe('function');
    expect(() => gc!()).not.toThrow();
  });
});
