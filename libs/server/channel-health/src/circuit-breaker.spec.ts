import { CircuitBreakers } from './circuit-breaker';

describe('CircuitBreakers', () => {
  let now = 0;
  const breakers = () =>
    new CircuitBreakers({ window: 10, minRequests: 4, failureRatePercent: 50, cooldownMs: 1000 }, () => now);

  beforeEach(() => (now = 1_000_000));

  it('stays closed below the minimum number of attempts', () => {
    const b = breakers();
    b.failed(1);
    b.failed(1);
    b.failed(1);
    expect(b.state(1)).toBe('closed');
    expect(b.allows(1)).toBe(true);
  });

  it('opens when half of the window failed, even alternating (flapping)', () => {
    const b = breakers();
    b.succeeded(1);
    b.failed(1);
    b.succeeded(1);
    expect(b.state(1)).toBe('closed');
    b.failed(1);
    expect(b.state(1)).toBe('open');
    expect(b.allows(1)).toBe(false);
    expect(b.retryAfterMs(1)).toBe(1000);
    expect(b.trips(1)).toBe(1);
  });

  it('lets one probe through after the cool-down; success closes, failure re-opens', () => {
    const b = breakers();
    for (let i = 0; i < 4; i++) b.failed(7);
    expect(b.state(7)).toBe('open');
    now += 1000;
    expect(b.state(7)).toBe('half-open');
    expect(b.allows(7)).toBe(true);
    b.started(7);
    expect(b.allows(7)).toBe(false); // one probe at a time
    b.failed(7);
    expect(b.state(7)).toBe('open');
    expect(b.trips(7)).toBe(2);
    now += 1000;
    b.started(7);
    b.succeeded(7);
    expect(b.state(7)).toBe('closed');
    expect(b.allows(7)).toBe(true);
  });

  it('keeps channels apart and forgets a reset channel', () => {
    const b = breakers();
    for (let i = 0; i < 4; i++) b.failed(1);
    expect(b.state(2)).toBe('closed');
    b.reset(1);
    expect(b.state(1)).toBe('closed');
  });
});
