import { toGeminiParameters, toGeminiSchema } from './schema';

/** Every key the Gemini `Schema` message has a field for (anything else fails the request). */
const SCHEMA_FIELDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'default',
  'example',
  'properties',
  'required',
  'propertyOrdering',
  'minProperties',
  'maxProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'anyOf',
]);

function unknownKeys(node: unknown, path = '$'): string[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [];
  const out: string[] = [];
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (!SCHEMA_FIELDS.has(key)) out.push(`${path}.${key}`);
    if (key === 'properties' && typeof value === 'object' && value !== null)
      for (const [name, child] of Object.entries(value))
        out.push(...unknownKeys(child, `${path}.properties.${name}`));
    if (key === 'items') out.push(...unknownKeys(value, `${path}.items`));
    if (key === 'anyOf' && Array.isArray(value))
      value.forEach((v, i) => out.push(...unknownKeys(v, `${path}.anyOf[${i}]`)));
  }
  if (record.anyOf === undefined && typeof record.type !== 'string') out.push(`${path} has no type`);
  return out;
}

describe('toGeminiSchema', () => {
  it('keeps the supported subset and drops JSON Schema keywords Gemini has no field for', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:x',
      title: 'Args',
      type: 'object',
      additionalProperties: false,
      properties: {
        query: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          pattern: '^[a-z]+$',
          format: 'uri',
          examples: ['abc'],
        },
        when: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        ratio: { type: 'number', format: 'float', multipleOf: 0.5, exclusiveMinimum: 0, maximum: 1 },
        count: { type: 'integer', format: 'int64', minimum: 0 },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, minItems: 1, maxItems: 5 },
        meta: {
          type: 'object',
          patternProperties: { '^x-': { type: 'string' } },
          propertyNames: { pattern: 'x' },
        },
        flag: { type: 'boolean', deprecated: true, readOnly: true },
      },
      required: ['query', 'missing'],
      if: { properties: { flag: { const: true } } },
      then: { required: ['count'] },
    };
    const cleaned = toGeminiSchema(schema);
    expect(unknownKeys(cleaned)).toEqual([]);
    expect(cleaned).toEqual({
      type: 'object',
      title: 'Args',
      properties: {
        query: { type: 'string', example: 'abc', minLength: 1, maxLength: 200, pattern: '^[a-z]+$' },
        when: { type: 'string', format: 'date-time' },
        day: { type: 'string' },
        ratio: { type: 'number', format: 'float', maximum: 1 },
        count: { type: 'integer', format: 'int64', minimum: 0 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5 },
        meta: { type: 'object' },
        flag: { type: 'boolean' },
      },
      required: ['query'],
    });
  });

  it('turns type lists, null branches and oneOf into one type + nullable or anyOf', () => {
    expect(toGeminiSchema({ type: ['string', 'null'], description: 'd' })).toEqual({
      type: 'string',
      description: 'd',
      nullable: true,
    });
    expect(toGeminiSchema({ anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'n' })).toEqual({
      type: 'integer',
      description: 'n',
      nullable: true,
    });
    expect(toGeminiSchema({ oneOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }],
    });
    expect(toGeminiSchema({ type: ['string', 'integer', 'null'], description: 'mixed' })).toEqual({
      description: 'mixed',
      nullable: true,
      anyOf: [{ type: 'string' }, { type: 'integer' }],
    });
    expect(toGeminiSchema({ type: 'null' })).toEqual({ type: 'string', nullable: true });
  });

  it('inlines local $refs and $defs, cuts recursive ones, merges allOf', () => {
    const schema = {
      type: 'object',
      $defs: {
        Address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        Node: { type: 'object', properties: { value: { type: 'integer' }, next: { $ref: '#/$defs/Node' } } },
      },
      definitions: { Unit: { type: 'string', enum: ['c', 'f'] } },
      properties: {
        home: { $ref: '#/$defs/Address', description: 'Where they live' },
        unit: { $ref: '#/definitions/Unit' },
        list: { $ref: '#/$defs/Node' },
        remote: { $ref: 'https://example.com/schema.json' },
        both: {
          allOf: [
            { $ref: '#/$defs/Address' },
            { type: 'object', properties: { zip: { type: 'string' } }, required: ['zip'] },
          ],
        },
      },
    };
    const cleaned = toGeminiSchema(schema);
    expect(unknownKeys(cleaned)).toEqual([]);
    expect(cleaned.properties).toEqual({
      home: {
        type: 'object',
        description: 'Where they live',
        properties: { city: { type: 'string' } },
        required: ['city'],
      },
      unit: { type: 'string', enum: ['c', 'f'] },
      list: {
        type: 'object',
        properties: { value: { type: 'integer' }, next: { type: 'object' } },
      },
      remote: { type: 'object' },
      both: {
        type: 'object',
        properties: { city: { type: 'string' }, zip: { type: 'string' } },
        required: ['city', 'zip'],
      },
    });
  });

  it('gives every node a type and arrays their items', () => {
    expect(
      toGeminiSchema({ type: 'object', properties: { any: {}, free: true, list: { type: 'array' } } }),
    ).toEqual({
      type: 'object',
      properties: {
        any: { type: 'string' },
        free: { type: 'string' },
        list: { type: 'array', items: { type: 'string' } },
      },
    });
    expect(toGeminiSchema({ properties: { a: { items: { type: 'number' } } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'array', items: { type: 'number' } } },
    });
    expect(toGeminiSchema({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] })).toEqual(
      {
        type: 'array',
        items: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
    );
  });

  it('writes const and numeric enums the way Gemini takes them', () => {
    expect(toGeminiSchema({ const: 'fixed' })).toEqual({ type: 'string', enum: ['fixed'] });
    expect(toGeminiSchema({ type: 'integer', enum: [101, 201] })).toEqual({
      type: 'integer',
      format: 'enum',
      enum: ['101', '201'],
    });
    expect(toGeminiSchema({ type: 'boolean', enum: [true] })).toEqual({ type: 'boolean' });
  });

  it('keeps property order hints and never mutates its input', () => {
    const schema = {
      type: 'object',
      properties: { b: { type: 'string' }, a: { type: 'string' } },
      propertyOrdering: ['b', 'a', 'zzz'],
      additionalProperties: false,
    };
    const copy = JSON.parse(JSON.stringify(schema));
    expect(toGeminiSchema(schema).propertyOrdering).toEqual(['b', 'a']);
    expect(schema).toEqual(copy);
  });
});

describe('toGeminiParameters', () => {
  it('omits parameters for argument-less functions (Gemini rejects an empty OBJECT root)', () => {
    expect(toGeminiParameters(undefined)).toBeUndefined();
    expect(toGeminiParameters({ type: 'object', properties: {} })).toBeUndefined();
    expect(toGeminiParameters({ type: 'object', additionalProperties: true })).toBeUndefined();
    expect(toGeminiParameters({ type: 'object', properties: { a: { type: 'string' } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
    });
  });
});
