import { jsonDepthExceeds } from './json-depth-limit';

const depth = (n: number) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`);

describe('jsonDepthExceeds', () => {
  it('counts objects and arrays, and is exact at the limit', () => {
    expect(jsonDepthExceeds(depth(128), 128)).toBe(false);
    expect(jsonDepthExceeds(depth(129), 128)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('{"a":{"b":[{"c":1}]}}'), 3)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('{"a":{"b":[{"c":1}]}}'), 4)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(Buffer.from(`{"a":"${'[{'.repeat(500)}\\"${'['.repeat(500)}"}`), 2)).toBe(false);
  });
});
