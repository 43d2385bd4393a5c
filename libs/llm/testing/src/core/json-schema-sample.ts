/**
 * Builds a deterministic JSON value that satisfies a JSON Schema — enough of the vocabulary that tool parameters
 * and `response_format: json_schema` schemas use: type (or a type list), properties/required, items/prefixItems,
 * enum, const, default, examples, anyOf/oneOf (first branch), allOf (merged), $ref to local definitions,
 * string formats and length bounds, numeric bounds and multipleOf, minItems/maxItems. Not covered: `pattern`.
 */
type SchemaObject = Record<string, unknown>;

const MAX_DEPTH = 12;

const STRING_FORMATS: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00',
  email: 'user@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  hostname: 'example.com',
};

function isObject(v: unknown): v is SchemaObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return {};
  const parts = ref
    .slice(1)
    .split('/')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (const part of parts) node = isObject(node) ? node[part] : undefined;
  return node ?? {};
}

function mergeAllOf(schema: SchemaObject, root: unknown, depth: number): SchemaObject {
  const merged: SchemaObject = { ...schema };
  delete merged.allOf;
  const properties: SchemaObject = { ...(isObject(schema.properties) ? schema.properties : {}) };
  const required = new Set<string>(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const raw of schema.allOf as unknown[]) {
    let part = raw;
    for (let i = 0; i < MAX_DEPTH && isObject(part) && typeof part.$ref === 'string'; i++) {
      part = resolveRef(root, part.$ref);
    }
    if (!isObject(part)) continue;
    if (isObject(part.allOf) || Array.isArray(part.allOf)) part = mergeAllOf(part, root, depth + 1);
    const p = part as SchemaObject;
    if (isObject(p.properties)) Object.assign(properties, p.properties);
    if (Array.isArray(p.required)) for (const r of p.required) required.add(String(r));
    for (const [k, v] of Object.entries(p)) {
      if (k !== 'properties' && k !== 'required' && !(k in merged)) merged[k] = v;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function primaryType(schema: SchemaObject): string {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t.find((x) => x !== 'null') as string | undefined) ?? 'null';
  if (
    isObject(schema.properties) ||
    schema.required !== undefined ||
    schema.additionalProperties !== undefined
  ) {
    return 'object';
  }
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  return 'string';
}

function sampleString(schema: SchemaObject, key: string, variant: number): string {
  const format = typeof schema.format === 'string' ? STRING_FORMATS[schema.format] : undefined;
  let s = format ?? (variant === 0 ? `sample ${key}` : `sample ${key} ${variant + 1}`);
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  if (s.length < min) s = s.padEnd(min, 'x');
  if (s.length > max) s = s.slice(0, max);
  return s;
}

function sampleNumber(schema: SchemaObject, integer: boolean, variant: number): number {
  const step = integer ? 1 : 0.5;
  let v = 1 + variant;
  const num = (k: string) => (typeof schema[k] === 'number' ? (schema[k] as number) : undefined);
  const min = num('minimum');
  const max = num('maximum');
  const exMin = num('exclusiveMinimum') ?? (schema.exclusiveMinimum === true ? min : undefined);
  const exMax = num('exclusiveMaximum') ?? (schema.exclusiveMaximum === true ? max : undefined);
  if (min !== undefined && v < min) v = min + variant;
  if (exMin !== undefined && v <= exMin) v = exMin + step;
  const multipleOf = num('multipleOf');
  if (multipleOf !== undefined && multipleOf > 0) v = Math.ceil(v / multipleOf) * multipleOf;
  if (max !== undefined && v > max) v = multipleOf ? Math.floor(max / multipleOf) * multipleOf : max;
  if (exMax !== undefined && v >= exMax) v = exMax - step;
  return integer ? Math.ceil(v) : v;
}

function sample(schema: unknown, root: unknown, key: string, depth: number, variant: number): unknown {
  if (schema === true || schema === undefined) return `sample ${key}`;
  if (!isObject(schema) || depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === 'string')
    return sample(resolveRef(root, schema.$ref), root, key, depth + 1, variant);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[variant % schema.enum.length];
  if (schema.default !== undefined && variant === 0) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0 && variant === 0)
    return schema.examples[0];
  if (Array.isArray(schema.allOf))
    return sample(mergeAllOf(schema, root, depth), root, key, depth + 1, variant);
  const branches = (Array.isArray(schema.anyOf) ? schema.anyOf : schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) {
    const pick = branches.find((b) => !(isObject(b) && b.type === 'null')) ?? branches[0];
    const { anyOf: _a, oneOf: _o, ...rest } = schema;
    const base = isObject(pick) ? { ...rest, ...pick } : pick;
    return sample(base, root, key, depth + 1, variant);
  }

  switch (primaryType(schema)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = isObject(schema.properties) ? schema.properties : {};
      for (const [name, sub] of Object.entries(props)) out[name] = sample(sub, root, name, depth + 1, 0);
      if (Array.isArray(schema.required)) {
        for (const name of schema.required as string[]) {
          if (!(name in out)) {
            const extra = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
            out[name] = sample(extra, root, name, depth + 1, 0);
          }
        }
      }
      return out;
    }
    case 'array': {
      const prefix = Array.isArray(schema.prefixItems)
        ? schema.prefixItems
        : Array.isArray(schema.items)
          ? schema.items
          : [];
      const itemSchema = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 1;
      const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
      const count = Math.min(Math.max(minItems, prefix.length), maxItems);
      const out: unknown[] = [];
      for (let i = 0; i < count; i++) {
        const sub = i < prefix.length ? prefix[i] : itemSchema === false ? undefined : itemSchema;
        out.push(sample(sub ?? {}, root, key, depth + 1, i < prefix.length ? 0 : i));
      }
      return out;
    }
    case 'integer':
      return sampleNumber(schema, true, variant);
    case 'number':
      return sampleNumber(schema, false, variant);
    case 'boolean':
      return variant % 2 === 0;
    case 'null':
      return null;
    default:
      return sampleString(schema, key, variant);
  }
}

/** A deterministic value valid for `schema` (`key` names the value in generated strings, e.g. "sample city"). */
export function sampleFromSchema(schema: unknown, key = 'value'): unknown {
  return sample(schema, schema, key, 0, 0);
}
