import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyModelConfig, validateModelConfigs } from './model-configs';
import { computeQuota, defaultCompletionRatios, defaultModelRatios, resolveModelPrice } from './pricing';

/** The worked-examples table of docs/billing.md, recomputed through the pricing code so the doc cannot drift. */
const DOC = join(__dirname, '../../../../docs/billing.md');

interface Example {
  id: string;
  dimension: string;
  model: string;
  groupRatio: number;
  configs: string | undefined;
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
  reasoning: number;
  quota: number;
}

function examples(): Example[] {
  const lines = readFileSync(DOC, 'utf8').split('\n');
  const header = lines.findIndex((l) => /^\|\s*#\s*\|\s*Dimension\s*\|/.test(l));
  if (header < 0) throw new Error('docs/billing.md has no worked-examples table');
  const rows: Example[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    const num = (i: number) => {
      const n = Number(cells[i]);
      if (!Number.isFinite(n)) throw new Error(`row ${cells[0]}: column ${i} is not a number: ${cells[i]}`);
      return n;
    };
    const config = cells[4];
    rows.push({
      id: cells[0],
      dimension: cells[1],
      model: cells[2],
      groupRatio: num(3),
      configs: config === '—' ? undefined : config.replace(/^`|`$/g, ''),
      input: num(5),
      cacheRead: num(6),
      cacheWrite5m: num(7),
      cacheWrite1h: num(8),
      output: num(9),
      reasoning: num(10),
      quota: num(12),
    });
  }
  return rows;
}

const tables = {
  modelRatio: defaultModelRatios(),
  completionRatio: defaultCompletionRatios(),
  groupRatio: {},
};

describe('docs/billing.md worked examples', () => {
  const rows = examples();

  it('covers every priced dimension', () => {
    const text = rows.map((r) => r.dimension).join(', ');
    for (const dimension of [
      'input',
      'output',
      'group ratio',
      'cached input',
      'cache read',
      'cache write 5m',
      'cache write 1h',
      'reasoning',
      'long-context tier',
      'per-channel price',
      'per-channel cache price',
      'per-channel tier',
      'per-call price',
    ])
      expect(text).toContain(dimension);
  });

  it.each(rows.map((r) => [`#${r.id} ${r.dimension}`, r] as const))('%s', (_name, row) => {
    let price = resolveModelPrice(tables, row.model);
    if (row.configs) {
      const { configs, errors } = validateModelConfigs(row.configs);
      expect(errors).toEqual([]);
      price = applyModelConfig(price, row.model, configs[row.model]);
    }
    const quota = computeQuota(
      {
        promptTokens: row.input,
        cacheReadTokens: row.cacheRead,
        cacheWrite5mTokens: row.cacheWrite5m,
        cacheWrite1hTokens: row.cacheWrite1h,
        completionTokens: row.output,
        reasoningTokens: row.reasoning,
      },
      price,
      row.groupRatio,
    );
    expect(quota).toBe(row.quota);
  });
});
