import { googleError, type GoogleErrorResponse, requestViolations, unknownField } from './errors';
import { camelCase, contentsOf, field, isJson, type Json, partsOf, records, str } from './wire';

/**
 * What the fake refuses the way Gemini does, so a gateway that sends something Gemini would reject fails here too:
 * unknown field names anywhere in the request (Google's parser rejects the whole request), schemas outside the
 * OpenAPI subset Gemini takes, empty contents or parts, bad roles, unknown enum values, and — like Gemini 3 —
 * function calls of the current turn sent back without their thought signature.
 */

const TOP = new Set([
  'contents',
  'systemInstruction',
  'tools',
  'toolConfig',
  'safetySettings',
  'generationConfig',
  'cachedContent',
  'model',
]);
const CONTENT = new Set(['role', 'parts']);
const PART = new Set([
  'text',
  'thought',
  'thoughtSignature',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
  'videoMetadata',
  'partMetadata',
  'mediaResolution',
]);
const PART_DATA = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
];
const BLOB = new Set(['mimeType', 'data']);
const FILE_DATA = new Set(['mimeType', 'fileUri']);
const FUNCTION_CALL = new Set(['id', 'name', 'args']);
const FUNCTION_RESPONSE = new Set(['id', 'name', 'response', 'parts', 'willContinue', 'scheduling']);
const GENERATION = new Set([
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'responseModalities',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'enableEnhancedCivicAnswers',
  'speechConfig',
  'thinkingConfig',
  'imageConfig',
  'mediaResolution',
]);
const THINKING = new Set(['includeThoughts', 'thinkingBudget', 'thinkingLevel']);
const TOOL = new Set([
  'functionDeclarations',
  'googleSearch',
  'googleSearchRetrieval',
  'codeExecution',
  'urlContext',
  'fileSearch',
  'googleMaps',
  'computerUse',
]);
const DECLARATION = new Set([
  'name',
  'description',
  'parameters',
  'parametersJsonSchema',
  'response',
  'responseJsonSchema',
  'behavior',
]);
const TOOL_CONFIG = new Set(['functionCallingConfig', 'retrievalConfig']);
const CALLING_CONFIG = new Set(['mode', 'allowedFunctionNames']);
const SAFETY = new Set(['category', 'threshold']);
const SCHEMA = new Set([
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
const TYPES = new Set([
  'TYPE_UNSPECIFIED',
  'STRING',
  'NUMBER',
  'INTEGER',
  'BOOLEAN',
  'ARRAY',
  'OBJECT',
  'NULL',
]);
const MODES = new Set(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']);
const CATEGORIES = new Set([
  'HARM_CATEGORY_UNSPECIFIED',
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_CIVIC_INTEGRITY',
]);
const THRESHOLDS = new Set([
  'HARM_BLOCK_THRESHOLD_UNSPECIFIED',
  'BLOCK_LOW_AND_ABOVE',
  'BLOCK_MEDIUM_AND_ABOVE',
  'BLOCK_ONLY_HIGH',
  'BLOCK_NONE',
  'OFF',
]);
const STRING_FORMATS = new Set(['enum', 'date-time']);

/** Signatures Gemini documents for history it did not produce (they pass validation). */
export const GEMINI_SKIP_SIGNATURES: readonly string[] = [
  'skip_thought_signature_validator',
  'context_engineering_is_the_way_to_go',
];

/** The thought signature the fake puts on a function call (deterministic: base64 of the function name). */
export function fakeThoughtSignature(functionName: string): string {
  return Buffer.from(`fake-gemini-thought:${functionName}`, 'utf8').toString('base64');
}

function isFakeSignature(signature: string): boolean {
  return Buffer.from(signature, 'base64').toString('utf8').startsWith('fake-gemini-thought:');
}

export type ThoughtSignatureCheck = 'gemini-3' | 'always' | 'never';

class Invalid extends Error {
  constructor(readonly response: GoogleErrorResponse) {
    super(response.body.error.message);
  }
}

/** Throws Google's parser error for the first key of `obj` not in `allowed` (snake_case accepted). */
function knownFields(obj: unknown, allowed: ReadonlySet<string>, at: string): void {
  if (!isJson(obj)) return;
  for (const key of Object.keys(obj)) {
    if (!allowed.has(camelCase(key))) throw new Invalid(unknownField(key, at));
  }
}

function enumValue(value: unknown, allowed: ReadonlySet<string>, at: string, enumType: string): void {
  if (value === undefined) return;
  if (typeof value === 'string' && allowed.has(value.toUpperCase())) return;
  throw new Invalid(
    googleError(
      400,
      `Invalid value at '${at}' (type.googleapis.com/google.ai.generativelanguage.v1beta.${enumType}), ${JSON.stringify(value)}`,
    ),
  );
}

function checkSchema(schema: unknown, at: string, violations: string[], root: boolean): void {
  if (!isJson(schema)) return;
  knownFields(schema, SCHEMA, at);
  const type = field(schema, 'type');
  if (Array.isArray(type)) {
    throw new Invalid(
      googleError(
        400,
        `Invalid JSON payload received. Unknown name "type" at '${at}': Proto field is not repeating, cannot start list.`,
      ),
    );
  }
  enumValue(type, TYPES, `${at}.type`, 'Type');
  const upper = typeof type === 'string' ? type.toUpperCase() : undefined;
  const anyOf = field(schema, 'anyOf');
  if (upper === undefined && !Array.isArray(anyOf))
    violations.push(`${at}.type: must be specified when not using one_of, any_of or all_of fields`);
  const properties = field(schema, 'properties');
  if (upper === 'OBJECT' && root && (!isJson(properties) || Object.keys(properties).length === 0))
    violations.push(`${at}.properties: should be non-empty for OBJECT type`);
  if (isJson(properties)) {
    for (const [name, child] of Object.entries(properties))
      checkSchema(child, `${at}.properties[${name}]`, violations, false);
    const required = field(schema, 'required');
    if (Array.isArray(required))
      required.forEach((name, i) => {
        if (typeof name !== 'string' || !(name in properties))
          violations.push(`${at}.required[${i}]: property is not defined`);
      });
  }
  if (upper === 'ARRAY') {
    const items = field(schema, 'items');
    if (!isJson(items)) violations.push(`${at}.items: missing field.`);
    else checkSchema(items, `${at}.items`, violations, false);
  }
  if (Array.isArray(anyOf))
    anyOf.forEach((branch, i) => checkSchema(branch, `${at}.any_of[${i}]`, violations, false));
  const format = str(field(schema, 'format'));
  if (upper === 'STRING' && format !== undefined && !STRING_FORMATS.has(format))
    violations.push(`${at}.format: only 'enum' and 'date-time' are supported for STRING type`);
}

function checkContent(content: unknown, at: string, violations: string[]): void {
  knownFields(content, CONTENT, at);
  const role = field(content, 'role');
  if (role !== undefined && role !== 'user' && role !== 'model' && role !== '')
    throw new Invalid(googleError(400, 'Please use a valid role: user, model.'));
  const parts = field(content, 'parts');
  if (!Array.isArray(parts) || parts.length === 0) {
    violations.push(`${at}.parts: contents.parts must not be empty.`);
    return;
  }
  parts.forEach((part, j) => {
    const partAt = `${at}.parts[${j}]`;
    knownFields(part, PART, partAt);
    if (!PART_DATA.some((name) => field(part, name) !== undefined))
      violations.push(`${partAt}.data: required oneof field 'data' must have one initialized field`);
    knownFields(field(part, 'inlineData'), BLOB, `${partAt}.inline_data`);
    knownFields(field(part, 'fileData'), FILE_DATA, `${partAt}.file_data`);
    knownFields(field(part, 'functionCall'), FUNCTION_CALL, `${partAt}.function_call`);
    knownFields(field(part, 'functionResponse'), FUNCTION_RESPONSE, `${partAt}.function_response`);
  });
}

/**
 * Gemini 3's rule: in the current turn (the model and function-response contents after the last user content with
 * anything but function responses), the first function call of every model content must carry its signature.
 * Any signature present must be one the fake issued or a documented skip value ("Corrupted thought signature.").
 */
function checkSignatures(contents: Json[], enforceMissing: boolean): GoogleErrorResponse | undefined {
  for (const content of contents) {
    for (const part of partsOf(content)) {
      const signature = field(part, 'thoughtSignature');
      if (signature === undefined) continue;
      if (typeof signature !== 'string' || signature === '')
        return googleError(400, 'Corrupted thought signature.');
      if (!GEMINI_SKIP_SIGNATURES.includes(signature) && !isFakeSignature(signature))
        return googleError(400, 'Corrupted thought signature.');
    }
  }
  if (!enforceMissing) return undefined;
  let turnStart = 0;
  contents.forEach((content, i) => {
    const role = field(content, 'role') ?? 'user';
    if (role === 'user' && partsOf(content).some((part) => field(part, 'functionResponse') === undefined))
      turnStart = i;
  });
  for (let i = turnStart; i < contents.length; i++) {
    const content = contents[i];
    if (field(content, 'role') !== 'model') continue;
    const parts = partsOf(content);
    const position = parts.findIndex((part) => field(part, 'functionCall') !== undefined);
    if (position === -1 || field(parts[position], 'thoughtSignature') !== undefined) continue;
    const name = str(field(field(parts[position], 'functionCall'), 'name')) ?? '';
    return googleError(
      400,
      'Function call is missing a thought_signature in functionCall parts. This is required for tools to work ' +
        'correctly, and missing thought_signature may lead to degraded model performance. Additional data, function ' +
        `call \`default_api:${name}\` , position ${i + 1}. Please refer to ` +
        'https://ai.google.dev/gemini-api/docs/thought-signatures for more details.',
    );
  }
  return undefined;
}

/** Validates a generateContent body; undefined when Gemini would accept it. */
export function validateGenerateRequest(
  body: unknown,
  model: string,
  signatures: ThoughtSignatureCheck,
): GoogleErrorResponse | undefined {
  const violations: string[] = [];
  try {
    knownFields(body, TOP, '');
    const contents = field(body, 'contents');
    if (!Array.isArray(contents) || contents.length === 0)
      violations.push('contents: contents is not specified');
    else contents.forEach((content, i) => checkContent(content, `contents[${i}]`, violations));
    const system = field(body, 'systemInstruction');
    if (system !== undefined) checkContent(system, 'system_instruction', violations);

    records(field(body, 'tools')).forEach((tool, i) => {
      const at = `tools[${i}]`;
      knownFields(tool, TOOL, at);
      records(field(tool, 'functionDeclarations')).forEach((declaration, j) => {
        const declAt = `${at}.function_declarations[${j}]`;
        knownFields(declaration, DECLARATION, declAt);
        const name = str(field(declaration, 'name')) ?? '';
        if (!/^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/.test(name))
          violations.push(
            `${declAt}.name: Invalid function name. Must start with a letter or an underscore.`,
          );
        const parameters = field(declaration, 'parameters');
        if (parameters !== undefined) checkSchema(parameters, `${declAt}.parameters`, violations, true);
      });
    });
    const toolConfig = field(body, 'toolConfig');
    knownFields(toolConfig, TOOL_CONFIG, 'tool_config');
    const calling = field(toolConfig, 'functionCallingConfig');
    knownFields(calling, CALLING_CONFIG, 'tool_config.function_calling_config');
    enumValue(
      field(calling, 'mode'),
      MODES,
      'tool_config.function_calling_config.mode',
      'FunctionCallingConfig.Mode',
    );

    records(field(body, 'safetySettings')).forEach((setting, i) => {
      knownFields(setting, SAFETY, `safety_settings[${i}]`);
      enumValue(field(setting, 'category'), CATEGORIES, `safety_settings[${i}].category`, 'HarmCategory');
      enumValue(
        field(setting, 'threshold'),
        THRESHOLDS,
        `safety_settings[${i}].threshold`,
        'SafetySetting.HarmBlockThreshold',
      );
    });

    const config = field(body, 'generationConfig');
    knownFields(config, GENERATION, 'generation_config');
    knownFields(field(config, 'thinkingConfig'), THINKING, 'generation_config.thinking_config');
    const responseSchema = field(config, 'responseSchema');
    if (responseSchema !== undefined)
      checkSchema(responseSchema, 'generation_config.response_schema', violations, false);
    const stops = field(config, 'stopSequences');
    if (Array.isArray(stops) && stops.length > 5)
      violations.push('generation_config.stop_sequences: at most 5 stop sequences are allowed');
  } catch (error) {
    if (error instanceof Invalid) return error.response;
    throw error;
  }
  if (violations.length > 0) return requestViolations(violations);
  const enforce =
    signatures === 'always' || (signatures === 'gemini-3' && /gemini-(?:[3-9]|\d{2,})/i.test(model));
  return signatures === 'never' ? undefined : checkSignatures(contentsOf(body), enforce);
}
