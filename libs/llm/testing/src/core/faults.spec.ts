import { formatFaults, normalizeFaults, parseFaultSpec, planFaults, splitFaultPrefix } from './faults';

describe('fault specs', () => {
  it('parses every fault kind', () => {
    expect(parseFaultSpec('429')).toEqual([{ kind: 'status', status: 429 }]);
    expect(parseFaultSpec('429:5')).toEqual([{ kind: 'status', status: 429, retryAfterSeconds: 5 }]);
    expect(parseFaultSpec('hang')).toEqual([{ kind: 'hang' }]);
    expect(parseFaultSpec('refuse')).toEqual([{ kind: 'refuse' }]);
    expect(parseFaultSpec('cut:3')).toEqual([{ kind: 'cut', afterChunks: 3 }]);
    expect(parseFaultSpec(' slow:50 , cut:0 ')).toEqual([
      { kind: 'slow', chunkDelayMs: 50 },
      { kind: 'cut', afterChunks: 0 },
    ]);
  });

  it.each([
    ['', /Empty/],
    ['200', /400-599/],
    ['cut', /cut:<chunks>/],
    ['cut:-1', /non-negative integer/],
    ['slow:fast', /non-negative integer/],
    ['hang:1', /takes no argument/],
    ['teapot', /Unknown fault spec "teapot"/],
    ['429:1:2', /Invalid fault spec/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });

  it('formats back to the spec and validates programmatic faults', () => {
    expect(formatFaults(parseFaultSpec('503,slow:10,cut:2,429:3'))).toBe('503,slow:10,cut:2,429:3');
    expect(normalizeFaults({ kind: 'refuse' })).toEqual([{ kind: 'refuse' }]);
    expect(normalizeFaults([{ kind: 'hang' }, { kind: 'slow', chunkDelayMs: 1 }])).toHaveLength(2);
    expect(() => normalizeFaults({ kind: 'cut', afterChunks: 1.5 })).toThrow(/non-negative integer/);
  });

  it('merges faults into a plan', () => {
    expect(planFaults([])).toEqual({ refuse: false, hang: false, chunkDelayMs: 0 });
    expect(planFaults(parseFaultSpec('slow:20,cut:4,500:2'))).toEqual({
      refuse: false,
      hang: false,
      chunkDelayMs: 20,
      cutAfterChunks: 4,
      status: { status: 500, retryAfterSeconds: 2 },
    });
  });

  it('splits the URL prefix', () => {
    expect(splitFaultPrefix('/v1/models')).toEqual({ rest: '/v1/models' });
    expect(splitFaultPrefix('/_fault/429/v1/chat/completions?a=b')).toEqual({
      spec: '429',
      rest: '/v1/chat/completions?a=b',
    });
    expect(splitFaultPrefix('/_fault/slow%3A5%2Ccut%3A1/v1/x')).toEqual({
      spec: 'slow:5,cut:1',
      rest: '/v1/x',
    });
    expect(splitFaultPrefix('/_fault/hang')).toEqual({ spec: 'hang', rest: '/' });
  });
});
