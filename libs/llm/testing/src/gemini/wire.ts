/**
 * Reading Gemini request bodies loosely. Google's JSON parser accepts both lowerCamelCase and snake_case field names
 * (`systemInstruction` / `system_instruction`), so the fake reads both.
 */
export type Json = Record<string, unknown>;

export function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `obj.fieldName` or `obj.field_name`. */
export function field(obj: unknown, name: string): unknown {
  if (!isJson(obj)) return undefined;
  return obj[name] !== undefined ? obj[name] : obj[snakeCase(name)];
}

export function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isJson) : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The parts of a content. */
export function partsOf(content: unknown): Json[] {
  return records(field(content, 'parts'));
}

/** The contents of a generateContent body (countTokens may wrap them in `generateContentRequest`). */
export function contentsOf(body: unknown): Json[] {
  return records(field(body, 'contents'));
}

/** Every function declaration of every tool. */
export function functionDeclarations(body: unknown): Json[] {
  return records(field(body, 'tools')).flatMap((tool) => records(field(tool, 'functionDeclarations')));
}

export function generationConfig(body: unknown): Json {
  const config = field(body, 'generationConfig');
  return isJson(config) ? config : {};
}
