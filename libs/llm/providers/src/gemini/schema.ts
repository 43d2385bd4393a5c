import { isRecord, type JsonObject, type JsonSchema } from '@one-api/llm-core';

/**
 * JSON Schema → the OpenAPI 3.0 subset Gemini's `Schema` message accepts (function parameters, `responseSchema`).
 *
 * Gemini parses schemas as a protobuf message, so any keyword it has no field for fails the whole request
 * ("Unknown name ... Cannot find field"), and a few semantic rules reject valid JSON Schema. The cleaner therefore
 * builds every node from an allow-list of fields instead of deleting known-bad ones:
 * - kept: type, format, title, description, nullable, enum, default, example, properties, required,
 *   propertyOrdering, minProperties/maxProperties, items, minItems/maxItems, minLength/maxLength, pattern,
 *   minimum/maximum, anyOf;
 * - `type` lists become one type plus `nullable` (`["string","null"]`) or an `anyOf` of the types;
 *   `{"type":"null"}` branches of anyOf/oneOf become `nullable`; `oneOf` becomes `anyOf`; `allOf` is merged;
 * - local `$ref`s (`#/$defs/...`, `#/definitions/...`) are inlined; a recursive reference is cut to a bare object;
 * - `const` becomes a one-value `enum`; enums of numbers become string enums with `format: "enum"` (Google's own
 *   example); string formats other than `enum`/`date-time` (and number/integer formats other than
 *   float/double/int32/int64) are dropped;
 * - every node gets a `type` (Gemini: "must be specified when not using any_of"): inferred from properties, items or
 *   enum, `string` for an unconstrained `{}`; arrays without `items` get string items;
 * - `required` keeps only declared properties.
 * Dropped without replacement: $schema, $id, additionalProperties, patternProperties, propertyNames, not, if/then/else,
 * dependencies, unevaluated*, uniqueItems, contains, multipleOf, exclusive bounds, readOnly/writeOnly, deprecated,
 * contentEncoding/contentMediaType, examples beyond the first.
 */

const FORMATS: Readonly<Record<string, ReadonlySet<string>>> = {
  string: new Set(['enum', 'date-time']),
  number: new Set(['float', 'double']),
  integer: new Set(['int32', 'int64']),
};

const KNOWN_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

/** Recursion guard for pathological schemas (inlined references nest deeply). */
const MAX_DEPTH = 40;

interface Context {
  root: JsonObject;
  refs: readonly string[];
  depth: number;
}

function nonNegativeInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function resolvePointer(root: JsonObject, ref: string): unknown {
  const parts = ref
    .slice(1)
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (const part of parts) node = isRecord(node) ? node[part] : undefined;
  return node;
}

function typeList(node: JsonObject): string[] {
  const raw = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  return raw.filter((t): t is string => typeof t === 'string').map((t) => t.toLowerCase());
}

function isNullSchema(node: unknown): boolean {
  if (!isRecord(node)) return false;
  const types = typeList(node);
  return types.length === 1 && types[0] === 'null';
}

/** Follows a local `$ref` (sibling keywords win over the referenced ones); undefined target → `{}`. */
function dereference(node: JsonObject, ctx: Context): { node: JsonObject; ctx: Context } {
  let current = node;
  let context = ctx;
  while (typeof current.$ref === 'string') {
    const ref = current.$ref;
    const { $ref: _ignored, ...siblings } = current;
    if (!ref.startsWith('#') || context.refs.includes(ref)) {
      // Remote or recursive reference: an object of unknown shape is the honest approximation.
      return { node: { type: 'object', ...pickDescription(siblings) }, ctx: context };
    }
    const target = resolvePointer(context.root, ref);
    current = { ...(isRecord(target) ? target : {}), ...siblings };
    context = { ...context, refs: [...context.refs, ref] };
  }
  return { node: current, ctx: context };
}

function pickDescription(node: JsonObject): JsonObject {
  return typeof node.description === 'string' ? { description: node.description } : {};
}

/** `allOf` merged into one schema: properties and required united, the first type/description kept. */
function mergeAllOf(node: JsonObject, ctx: Context): JsonObject {
  if (!Array.isArray(node.allOf)) return node;
  const { allOf, ...rest } = node;
  const merged: JsonObject = { ...rest };
  const properties: JsonObject = isRecord(rest.properties) ? { ...rest.properties } : {};
  const required = new Set<string>(
    Array.isArray(rest.required) ? rest.required.filter((r): r is string => typeof r === 'string') : [],
  );
  for (const branch of allOf as unknown[]) {
    if (!isRecord(branch)) continue;
    const resolved = mergeAllOf(dereference(branch, ctx).node, ctx);
    if (isRecord(resolved.properties)) Object.assign(properties, resolved.properties);
    if (Array.isArray(resolved.required))
      for (const name of resolved.required) if (typeof name === 'string') required.add(name);
    for (const [key, value] of Object.entries(resolved)) {
      if (key === 'properties' || key === 'required') continue;
      if (merged[key] === undefined) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function inferType(node: JsonObject): string {
  if (isRecord(node.properties)) return 'object';
  if (node.items !== undefined || node.prefixItems !== undefined) return 'array';
  const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : [];
  const first = values.find((v) => v !== null);
  if (typeof first === 'number') return Number.isInteger(first) ? 'integer' : 'number';
  if (typeof first === 'boolean') return 'boolean';
  return 'string';
}

function convertNode(input: unknown, ctx: Context): JsonObject {
  if (!isRecord(input) || ctx.depth > MAX_DEPTH) return { type: 'string' };
  const deref = dereference(input, ctx);
  const next: Context = { ...deref.ctx, depth: ctx.depth + 1 };
  const node = mergeAllOf(deref.node, next);

  let types = typeList(node);
  let nullable = node.nullable === true || types.includes('null');
  types = types.filter((t) => t !== 'null');

  const out: JsonObject = {};
  const branchesRaw = Array.isArray(node.anyOf)
    ? node.anyOf
    : Array.isArray(node.oneOf)
      ? node.oneOf
      : undefined;
  if (branchesRaw) {
    const branches = (branchesRaw as unknown[]).filter((branch) => {
      if (isNullSchema(branch)) {
        nullable = true;
        return false;
      }
      return true;
    });
    if (branches.length === 1 && types.length === 0 && !isRecord(node.properties)) {
      const single = convertNode(branches[0], next);
      const merged: JsonObject = { ...single };
      copyAnnotations(node, merged);
      if (nullable) merged.nullable = true;
      return merged;
    }
    if (branches.length > 0 && types.length === 0) {
      copyAnnotations(node, out);
      if (nullable) out.nullable = true;
      out.anyOf = branches.map((branch) => convertNode(branch, next));
      return out;
    }
  }

  if (types.length > 1) {
    copyAnnotations(node, out);
    if (nullable) out.nullable = true;
    out.anyOf = types.map((type) => convertNode({ ...node, type, description: undefined }, next));
    return out;
  }

  if (types.length === 0 && nullable && !isRecord(node.properties) && node.items === undefined) {
    // `{"type":"null"}` on its own: Gemini has no null type.
    types = ['string'];
  }
  let type = types[0] ?? inferType(node);
  if (!KNOWN_TYPES.has(type)) type = 'string';

  out.type = type;
  copyAnnotations(node, out);
  if (nullable) out.nullable = true;
  if (node.default !== undefined) out.default = node.default;
  const example =
    node.example !== undefined ? node.example : Array.isArray(node.examples) ? node.examples[0] : undefined;
  if (example !== undefined) out.example = example;

  const format = typeof node.format === 'string' ? node.format : undefined;
  if (format !== undefined && FORMATS[type]?.has(format)) out.format = format;

  const enumValues = Array.isArray(node.enum)
    ? node.enum
    : node.const !== undefined
      ? [node.const]
      : undefined;
  if (enumValues && (type === 'string' || type === 'number' || type === 'integer')) {
    const values = enumValues.filter((v) => v !== null && typeof v !== 'object').map((v) => String(v));
    if (enumValues.includes(null)) out.nullable = true;
    if (values.length > 0) {
      out.enum = values;
      if (type !== 'string') out.format = 'enum';
    }
  }

  switch (type) {
    case 'string': {
      const minLength = nonNegativeInt(node.minLength);
      const maxLength = nonNegativeInt(node.maxLength);
      if (minLength !== undefined) out.minLength = minLength;
      if (maxLength !== undefined) out.maxLength = maxLength;
      if (typeof node.pattern === 'string') out.pattern = node.pattern;
      break;
    }
    case 'number':
    case 'integer': {
      const minimum = finiteNumber(node.minimum);
      const maximum = finiteNumber(node.maximum);
      if (minimum !== undefined) out.minimum = minimum;
      if (maximum !== undefined) out.maximum = maximum;
      break;
    }
    case 'array': {
      const items = Array.isArray(node.items)
        ? node.items
        : Array.isArray(node.prefixItems)
          ? node.prefixItems
          : undefined;
      if (items && items.length > 1) out.items = { anyOf: items.map((item) => convertNode(item, next)) };
      else if (items && items.length === 1) out.items = convertNode(items[0], next);
      else if (isRecord(node.items)) out.items = convertNode(node.items, next);
      else out.items = { type: 'string' };
      const minItems = nonNegativeInt(node.minItems);
      const maxItems = nonNegativeInt(node.maxItems);
      if (minItems !== undefined) out.minItems = minItems;
      if (maxItems !== undefined) out.maxItems = maxItems;
      break;
    }
    case 'object': {
      if (isRecord(node.properties)) {
        const properties: JsonObject = {};
        for (const [name, value] of Object.entries(node.properties))
          properties[name] = convertNode(value, next);
        if (Object.keys(properties).length > 0) {
          out.properties = properties;
          const required = Array.isArray(node.required)
            ? node.required.filter((r): r is string => typeof r === 'string' && r in properties)
            : [];
          if (required.length > 0) out.required = [...new Set(required)];
          const ordering = Array.isArray(node.propertyOrdering)
            ? node.propertyOrdering.filter((r): r is string => typeof r === 'string' && r in properties)
            : [];
          if (ordering.length > 0) out.propertyOrdering = ordering;
        }
      }
      const minProperties = nonNegativeInt(node.minProperties);
      const maxProperties = nonNegativeInt(node.maxProperties);
      if (minProperties !== undefined) out.minProperties = minProperties;
      if (maxProperties !== undefined) out.maxProperties = maxProperties;
      break;
    }
    default:
      break;
  }
  return out;
}

function copyAnnotations(from: JsonObject, to: JsonObject): void {
  if (typeof from.title === 'string') to.title = from.title;
  if (typeof from.description === 'string') to.description = from.description;
}

/** Cleans any JSON Schema node (used for `responseSchema` and nested schemas). */
export function toGeminiSchema(schema: JsonSchema): JsonObject {
  return convertNode(schema, { root: schema, refs: [], depth: 0 });
}

/**
 * Function `parameters` for Gemini: the cleaned schema, or undefined when the function takes no arguments —
 * Gemini rejects an object root without properties ("properties: should be non-empty for OBJECT type").
 */
export function toGeminiParameters(schema: JsonSchema | undefined): JsonObject | undefined {
  if (schema === undefined || !isRecord(schema)) return undefined;
  const cleaned = toGeminiSchema(schema);
  if (cleaned.type === 'object' && cleaned.properties === undefined) return undefined;
  return cleaned;
}
