import { explicitArguments } from '../core/explicit-arguments';
import { sampleFromSchema } from '../core/json-schema-sample';
import { quote } from '../openai/chat-reply';
import { limitText } from '../openai/limits';
import {
  contentsOf,
  field,
  functionDeclarations,
  generationConfig,
  isJson,
  type Json,
  partsOf,
  str,
} from './wire';

/** Every plain reply starts with this, followed by the quoted last user text (or tool result). */
export const GEMINI_REPLY_PREFIX = 'Hello! This is fake-gemini answering: ';
/** The thought text starts with this, followed by the same quote. */
export const GEMINI_THOUGHT_PREFIX = 'Thinking about: ';

export interface GeminiCallReply {
  name: string;
  args: Record<string, unknown>;
}

export interface GeminiReply {
  /** `blocked`: the prompt is refused (`promptFeedback`); `unsafe`: the candidate is stopped by SAFETY. */
  kind: 'text' | 'function_calls' | 'blocked' | 'unsafe';
  text: string;
  calls: GeminiCallReply[];
  finishReason: 'STOP' | 'MAX_TOKENS' | 'SAFETY';
  /** The model "thinks" (thinking models unless the budget is 0): its thought text, counted in thoughtsTokenCount. */
  thought: string | undefined;
  /** Thought parts are returned (`thinkingConfig.includeThoughts`). */
  includeThoughts: boolean;
}

/** Models that think when the request has no thinkingConfig (2.5 and later, except lite). */
const THINKS_BY_DEFAULT = /gemini-(?:2\.5|[3-9]|\d{2,})/i;

function textOf(content: Json): string {
  return partsOf(content)
    .map((part) => (field(part, 'thought') === true ? undefined : str(field(part, 'text'))))
    .filter((text): text is string => text !== undefined)
    .join('');
}

/** Text of the last `user` content (role absent counts as user) that has any text ('' when none). */
export function lastGeminiUserText(body: unknown): string {
  const contents = contentsOf(body);
  for (let i = contents.length - 1; i >= 0; i--) {
    const role = field(contents[i], 'role') ?? 'user';
    if (role !== 'user') continue;
    const text = textOf(contents[i]);
    if (text !== '') return text;
  }
  return '';
}

/** The function responses of the last content, as text (`output`, `result`, `content`, `error` or the JSON). */
function lastFunctionResponses(body: unknown): string | undefined {
  const contents = contentsOf(body);
  const last = contents[contents.length - 1];
  if (!last) return undefined;
  const responses = partsOf(last)
    .map((part) => field(part, 'functionResponse'))
    .filter(isJson);
  if (responses.length === 0) return undefined;
  return responses
    .map((response) => {
      const value = field(response, 'response');
      if (!isJson(value)) return JSON.stringify(value ?? {});
      for (const key of ['output', 'result', 'content', 'error'])
        if (typeof value[key] === 'string') return value[key];
      return JSON.stringify(value);
    })
    .join('\n');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Declarations the text asks for: "call <name>" anywhere, or "weather" when a get_weather function exists. */
function requested(text: string, declarations: Json[]): Json[] {
  const hits: Array<{ at: number; declaration: Json }> = [];
  for (const declaration of declarations) {
    const name = str(field(declaration, 'name')) ?? '';
    const call = new RegExp(`(?:^|[^a-z0-9_])call\\s+${escapeRegExp(name)}(?![a-z0-9_-])`, 'i').exec(text);
    const weather = name === 'get_weather' ? /\bweather\b/i.exec(text) : null;
    const at = Math.min(call ? call.index : Infinity, weather ? weather.index : Infinity);
    if (at !== Infinity) hits.push({ at, declaration });
  }
  return hits.sort((a, b) => a.at - b.at).map((hit) => hit.declaration);
}

/** Gemini's OpenAPI-style schema (upper- or lower-case types, nullable) as JSON Schema for the sampler. */
export function openApiToJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(openApiToJsonSchema);
  if (!isJson(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type' && typeof value === 'string') out.type = value.toLowerCase();
    else if (key === 'properties' && isJson(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, openApiToJsonSchema(v)]));
    } else if (key === 'items' || key === 'anyOf' || key === 'any_of')
      out[key === 'any_of' ? 'anyOf' : key] = openApiToJsonSchema(value);
    else if (key === 'format' && value === 'enum') continue;
    else out[key] = value;
  }
  if (out.type === 'integer' || out.type === 'number') {
    if (Array.isArray(out.enum)) out.enum = out.enum.map(Number);
  }
  return out;
}

/** Arguments given in the prompt (`call <name> with {...}`), else sampled from the declaration's schema. */
function callFor(declaration: Json, text: string): GeminiCallReply {
  const name = str(field(declaration, 'name')) ?? '';
  const schema =
    field(declaration, 'parametersJsonSchema') ?? openApiToJsonSchema(field(declaration, 'parameters'));
  const args = explicitArguments(text, name) ?? (schema === undefined ? {} : sampleFromSchema(schema));
  return { name, args: isJson(args) ? args : { value: args } };
}

function decideCalls(body: unknown): GeminiCallReply[] {
  let declarations = functionDeclarations(body);
  if (declarations.length === 0) return [];
  const calling = field(field(body, 'toolConfig'), 'functionCallingConfig');
  const mode = (str(field(calling, 'mode')) ?? 'AUTO').toUpperCase();
  if (mode === 'NONE') return [];
  const allowed = field(calling, 'allowedFunctionNames');
  if (mode === 'ANY' && Array.isArray(allowed) && allowed.length > 0) {
    declarations = declarations.filter((d) => allowed.includes(field(d, 'name')));
    if (declarations.length === 0) return [];
  }
  const contents = contentsOf(body);
  const last = contents[contents.length - 1];
  const lastIsUserText =
    last !== undefined && (field(last, 'role') ?? 'user') === 'user' && textOf(last) !== '';
  let chosen = lastIsUserText ? requested(lastGeminiUserText(body), declarations) : [];
  if (chosen.length === 0 && mode === 'ANY') chosen = [declarations[0]];
  const text = lastGeminiUserText(body);
  return chosen.map((d) => callFor(d, text));
}

function thinking(body: unknown): { thinks: boolean; includeThoughts: boolean } {
  const config = field(generationConfig(body), 'thinkingConfig');
  if (!isJson(config)) {
    const model = str(field(body, 'model')) ?? '';
    return { thinks: THINKS_BY_DEFAULT.test(model) && !/lite/i.test(model), includeThoughts: false };
  }
  const thinks = field(config, 'thinkingBudget') !== 0;
  return { thinks, includeThoughts: thinks && field(config, 'includeThoughts') === true };
}

function plainText(body: unknown): string {
  const toolResult = lastFunctionResponses(body);
  const quoted =
    toolResult !== undefined ? `tool result: ${quote(toolResult)}` : quote(lastGeminiUserText(body));
  return quoted === '' ? GEMINI_REPLY_PREFIX.replace(/: $/, '.') : GEMINI_REPLY_PREFIX + quoted;
}

/**
 * The fake's answer to a generateContent body (deterministic; `model` is read from the body's `model` field, which
 * the fake fills in from the URL):
 * - "[blocked]" in the last user text → the prompt is blocked (`promptFeedback.blockReason: SAFETY`), "[unsafe]" →
 *   a candidate stopped with `finishReason: SAFETY` and no content;
 * - function calls when `functionDeclarations` are given and the mode is ANY (`allowedFunctionNames` narrows the
 *   choice; the first one is called when the text names none), or the mode is AUTO and the last user text says
 *   "call <name>" (or "weather" with a get_weather function); NONE never calls. Arguments are sampled from the
 *   parameters schema;
 * - `responseMimeType: application/json` → JSON valid for `responseSchema` / `responseJsonSchema`, else
 *   `{"answer": <text>}`;
 * - otherwise `GEMINI_REPLY_PREFIX + quote(last user text)`, or `tool result: <quote>` after function responses.
 * `stopSequences` cut the text; `maxOutputTokens` cuts it to limit × 4 characters with `MAX_TOKENS`.
 * Thinking models think (thought = `GEMINI_THOUGHT_PREFIX + quote`), and return the thought with `includeThoughts`.
 */
export function geminiReply(body: unknown): GeminiReply {
  const { thinks, includeThoughts } = thinking(body);
  const userText = lastGeminiUserText(body);
  const toolResult = lastFunctionResponses(body);
  const thought = thinks ? GEMINI_THOUGHT_PREFIX + quote(toolResult ?? userText) : undefined;
  const base = { thought, includeThoughts, calls: [] as GeminiCallReply[], text: '' };
  if (toolResult === undefined && userText.includes('[blocked]'))
    return { ...base, kind: 'blocked', finishReason: 'SAFETY', thought: undefined, includeThoughts: false };
  if (toolResult === undefined && userText.includes('[unsafe]'))
    return { ...base, kind: 'unsafe', finishReason: 'SAFETY' };
  const calls = decideCalls(body);
  if (calls.length > 0) return { ...base, kind: 'function_calls', calls, finishReason: 'STOP' };
  const config = generationConfig(body);
  let text = plainText(body);
  if (str(field(config, 'responseMimeType')) === 'application/json') {
    const jsonSchema = field(config, 'responseJsonSchema');
    const schema = field(config, 'responseSchema');
    text =
      jsonSchema !== undefined
        ? JSON.stringify(sampleFromSchema(jsonSchema))
        : schema !== undefined
          ? JSON.stringify(sampleFromSchema(openApiToJsonSchema(schema)))
          : JSON.stringify({ answer: text });
  }
  const stops = field(config, 'stopSequences');
  const max = field(config, 'maxOutputTokens');
  const limited = limitText(
    text,
    Array.isArray(stops) ? (stops as string[]) : undefined,
    typeof max === 'number' ? max : undefined,
  );
  return {
    ...base,
    kind: 'text',
    text: limited.text,
    finishReason: limited.finishReason === 'length' ? 'MAX_TOKENS' : 'STOP',
  };
}
