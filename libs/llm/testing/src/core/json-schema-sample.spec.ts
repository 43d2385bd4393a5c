import { sampleFromSchema } from './json-schema-sample';

describe('sampleFromSchema', () => {
  it('fills every property of an object, named after the property', () => {
    expect(
      sampleFromSchema({
        type: 'object',
        properties: {
          city: { type: 'string' },
          count: { type: 'integer' },
          ratio: { type: 'number' },
          ok: { type: 'boolean' },
          none: { type: 'null' },
          nested: { type: 'object', properties: { deep: { type: 'string', enum: ['a', 'b'] } } },
        },
        required: ['city', 'extra'],
      }),
    ).toEqual({
      city: 'sample city',
      count: 1,
      ratio: 1,
      ok: true,
      none: null,
      nested: { deep: 'a' },
      extra: 'sample extra',
    });
  });

  it('honours const, default, examples and type lists', () => {
    expect(sampleFromSchema({ const: 42 })).toBe(42);
    expect(sampleFromSchema({ type: 'string', default: 'dflt' })).toBe('dflt');
    expect(sampleFromSchema({ type: 'string', examples: ['ex'] })).toBe('ex');
    expect(sampleFromSchema({ type: ['null', 'integer'] })).toBe(1);
  });

  it('respects string formats and length bounds', () => {
    expect(sampleFromSchema({ type: 'string', format: 'date-time' })).toBe('2024-01-01T00:00:00Z');
    expect(sampleFromSchema({ type: 'string', format: 'email' })).toBe('user@example.com');
    expect(sampleFromSchema({ type: 'string', minLength: 20 })).toHaveLength(20);
    expect(sampleFromSchema({ type: 'string', maxLength: 3 })).toBe('sam');
  });

  it('respects numeric bounds and multipleOf', () => {
    expect(sampleFromSchema({ type: 'integer', minimum: 10 })).toBe(10);
    expect(sampleFromSchema({ type: 'integer', maximum: -5 })).toBe(-5);
    expect(sampleFromSchema({ type: 'integer', exclusiveMinimum: 1 })).toBe(2);
    expect(sampleFromSchema({ type: 'number', exclusiveMaximum: 1 })).toBe(0.5);
    expect(sampleFromSchema({ type: 'integer', minimum: 7, multipleOf: 5 })).toBe(10);
  });

  it('builds arrays from items, prefixItems, minItems and maxItems with distinct items', () => {
    expect(sampleFromSchema({ type: 'array', items: { type: 'integer' }, minItems: 3 })).toEqual([1, 2, 3]);
    expect(sampleFromSchema({ type: 'array', items: { type: 'string' }, maxItems: 0 })).toEqual([]);
    expect(
      sampleFromSchema({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'boolean' }] }, 'p'),
    ).toEqual(['sample p', true]);
    expect(
      sampleFromSchema({ type: 'array', items: { enum: ['x', 'y'] }, minItems: 2, uniqueItems: true }),
    ).toEqual(['x', 'y']);
  });

  it('resolves local $ref, anyOf/oneOf (first non-null branch) and allOf', () => {
    const schema = {
      type: 'object',
      properties: {
        owner: { $ref: '#/$defs/person' },
        maybe: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 3 }] },
        either: { oneOf: [{ type: 'boolean' }, { type: 'string' }] },
        both: {
          allOf: [
            { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
            { $ref: '#/definitions/hasB' },
          ],
        },
      },
      $defs: { person: { type: 'object', properties: { name: { type: 'string' } } } },
      definitions: { hasB: { properties: { b: { type: 'integer' } } } },
    };
    expect(sampleFromSchema(schema)).toEqual({
      owner: { name: 'sample name' },
      maybe: 3,
      either: true,
      both: { a: 'sample a', b: 1 },
    });
  });

  it('stops on recursive schemas', () => {
    const tree = { type: 'object', properties: { child: { $ref: '#' } } };
    const out = sampleFromSchema(tree);
    let depth = 0;
    for (let node = out as { child?: unknown } | null; node && typeof node === 'object'; depth++) {
      node = node.child as { child?: unknown } | null;
    }
    expect(depth).toBeGreaterThan(1);
    expect(depth).toBeLessThan(20);
  });
});
