import { chatBodies, claudeBodies, responseBodies } from './payloads';
import type { JsonObject, MatrixExpectation, MatrixFormat, MatrixVariant } from './types';

const FORMATS: ReadonlyArray<{
  format: MatrixFormat;
  label: string;
  path: string;
  bodies: (model: string, stream: boolean, expectation: MatrixExpectation) => JsonObject[];
}> = [
  { format: 'chat', label: 'Chat', path: '/v1/chat/completions', bodies: chatBodies },
  { format: 'response', label: 'Response', path: '/v1/responses', bodies: responseBodies },
  { format: 'claude', label: 'Claude', path: '/v1/messages', bodies: claudeBodies },
];

const EXPECTATIONS: ReadonlyArray<{ expectation: MatrixExpectation; key: string; label: string }> = [
  { expectation: 'default', key: '', label: '' },
  { expectation: 'tools', key: '_tools', label: ' Tools' },
  { expectation: 'tool_history', key: '_tools_history', label: ' Tools History' },
  { expectation: 'structured', key: '_structured', label: ' Structured' },
];

function buildVariants(): MatrixVariant[] {
  const variants: MatrixVariant[] = [];
  for (const f of FORMATS) {
    for (const e of EXPECTATIONS) {
      for (const stream of [false, true]) {
        const stem = `${f.format}${e.key}`;
        const key = `${stem}_stream_${stream}`;
        const aliases = e.key === '' ? [] : [stream ? `${stem}_stream` : stem];
        variants.push({
          key,
          header: `${f.label}${e.label} (stream=${stream})`,
          aliases,
          format: f.format,
          path: f.path,
          stream,
          expectation: e.expectation,
          bodies: (model) => f.bodies(model, stream, e.expectation),
        });
      }
    }
  }
  return variants;
}

/**
 * Every variant, in the table's order: Chat, Response, Claude; for each plain, tools, tool history and structured
 * output; each with stream false then true (24 rows).
 */
export const MATRIX_VARIANTS: readonly MatrixVariant[] = buildVariants();

/** The 12 core rows of the seed README's table: 3 formats × stream false/true × plain/tools. */
export const CORE_VARIANT_KEYS: readonly string[] = MATRIX_VARIANTS.filter(
  (v) => v.expectation === 'default' || v.expectation === 'tools',
).map((v) => v.key);

/** The fork's default model list (`ONEAPI_TEST_MODELS` when unset) for a live deployment. */
export const DEFAULT_LIVE_MODELS: readonly string[] = [
  'gpt-4o-mini',
  'gpt-5-mini',
  'claude-haiku-4-5',
  'gemini-2.5-flash',
  'openai/gpt-oss-20b',
  'deepseek-chat',
  'grok-4-1-fast-non-reasoning',
  'azure-gpt-5-nano',
];

/** Splits a list on commas, semicolons, newlines or whitespace; drops empty entries and duplicates. */
export function parseList(value: string | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(/[\s,;]+/).filter((s) => s !== ''))];
}

const GROUPS: Readonly<Record<string, MatrixFormat>> = {
  chat: 'chat',
  response: 'response',
  responses: 'response',
  claude: 'claude',
};

/**
 * Variants named by selectors (key, header, alias, or a format group `chat` / `response(s)` / `claude`; case and
 * surrounding spaces ignored), in table order. No selectors → every variant. Throws on a selector matching nothing.
 */
export function selectVariants(
  selectors: readonly string[],
  all: readonly MatrixVariant[] = MATRIX_VARIANTS,
): MatrixVariant[] {
  if (selectors.length === 0) return [...all];
  const chosen = new Set<MatrixVariant>();
  for (const raw of selectors) {
    const s = raw.trim().toLowerCase();
    const group = GROUPS[s];
    const matches = all.filter(
      (v) =>
        v.format === group ||
        v.key === s ||
        v.header.toLowerCase() === s ||
        v.aliases.some((a) => a.toLowerCase() === s),
    );
    if (matches.length === 0) throw new Error(`unknown variant "${raw}"`);
    for (const v of matches) chosen.add(v);
  }
  return all.filter((v) => chosen.has(v));
}
