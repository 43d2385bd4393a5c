import { canonicalValue, TableChecksum, valueForTarget } from './values';

describe('canonical values', () => {
  it("treats each engine's spelling of the same value alike", () => {
    expect(canonicalValue(true, 'bool')).toBe(1);
    expect(canonicalValue(1, 'number')).toBe(1);
    expect(canonicalValue('42', 'number')).toBe(42);
    expect(canonicalValue(42n, 'number')).toBe(42);
    expect(canonicalValue('12345678901234567890', 'number')).toBe('12345678901234567890');
    expect(canonicalValue('0.5', 'number')).toBe(0.5);
    expect(canonicalValue('abc   ', 'char')).toBe('abc');
    expect(canonicalValue('abc   ', 'text')).toBe('abc   ');
    expect(canonicalValue(7, 'text')).toBe('7');
    expect(canonicalValue(null, 'text')).toBeNull();
    expect(canonicalValue(undefined, 'number')).toBeNull();
  });

  it('writes booleans as PostgreSQL booleans and as 0/1 elsewhere', () => {
    expect(valueForTarget(1, 'bool', 'postgres')).toBe(true);
    expect(valueForTarget(0, 'bool', 'postgres')).toBe(false);
    expect(valueForTarget(true, 'number', 'sqlite')).toBe(1);
    expect(valueForTarget(false, 'number', 'mysql')).toBe(0);
    expect(valueForTarget(null, 'bool', 'postgres')).toBeNull();
  });
});

describe('table checksum', () => {
  it('does not depend on row order but on every value', () => {
    const a = new TableChecksum();
    const b = new TableChecksum();
    a.add([1, 'x']);
    a.add([2, 'y']);
    b.add([2, 'y']);
    b.add([1, 'x']);
    expect(a.hex).toBe(b.hex);
    expect(a.rows).toBe(2);
    const c = new TableChecksum();
    c.add([1, 'x']);
    c.add([2, 'z']);
    expect(c.hex).not.toBe(a.hex);
    const d = new TableChecksum();
    d.add([1, 'x']);
    expect(d.hex).not.toBe(a.hex);
  });
});
