import type { JsonObject } from '@one-api/llm-core';

/** How a format words a wrong-typed field (OpenAI: "must be a number"; Anthropic: "Input should be a valid number"). */
export interface FieldMessages {
  number: string;
  integer: string;
  boolean: string;
  string: string;
}

export const OPENAI_FIELD_MESSAGES: FieldMessages = {
  number: 'must be a number',
  integer: 'must be an integer',
  boolean: 'must be a boolean',
  string: 'must be a string',
};

export const ANTHROPIC_FIELD_MESSAGES: FieldMessages = {
  number: 'Input should be a valid number',
  integer: 'Input should be a valid integer',
  boolean: 'Input should be a valid boolean',
  string: 'Input should be a valid string',
};

/** Readers of optional top-level fields (absent or null → undefined; a wrong type → `fail`). */
export function fieldReaders(
  fail: (path: string, problem: string) => never,
  messages: FieldMessages = OPENAI_FIELD_MESSAGES,
) {
  const optionalNumber = (body: JsonObject, field: string): number | undefined => {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, messages.number);
    return value;
  };
  const optionalInteger = (body: JsonObject, field: string): number | undefined => {
    const value = optionalNumber(body, field);
    if (value !== undefined && !Number.isInteger(value)) fail(field, messages.integer);
    return value;
  };
  const optionalBoolean = (body: JsonObject, field: string): boolean | undefined => {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') fail(field, messages.boolean);
    return value;
  };
  const optionalString = (body: JsonObject, field: string, path = field): string | undefined => {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') fail(path, messages.string);
    return value;
  };
  return { optionalNumber, optionalInteger, optionalBoolean, optionalString };
}
