/**
 * `npm run matrix` — the regression matrix (the fork's `go run ./cmd/test`).
 *
 *   API_BASE=https://gateway.example API_TOKEN=sk-... npm run matrix    against a live deployment
 *   npm run matrix                                                        self-hosted: fakes + the built gateway
 *
 * ONEAPI_TEST_MODELS and ONEAPI_TEST_VARIANTS (separated by commas, semicolons or whitespace) narrow the run;
 * variants are chosen by key, alias or group (chat, response, claude). Self-hosted, the models are the fakes':
 * gpt-4o-mini (OpenAI, type 1), gpt-4.1-mini (OpenAI through the Responses API), claude-haiku-4-5 (Anthropic, 14),
 * gemini-2.5-flash (Gemini, 24) and deepseek-chat (DeepSeek, 36); the gateway is `apps/api/dist/main.js`, spawned on a free loopback port with a
 * temporary SQLite file. Prints the table; exits 1 when a cell failed, 2 when the run could not start.
 */
import { resolve } from 'node:path';
import { runMatrix } from './matrix/runner';
import { startSelfHostedGateway } from './matrix/self-host';
import { formatMatrix } from './matrix/table';
import type { CellResult, MatrixVariant } from './matrix/types';
import { DEFAULT_LIVE_MODELS, parseList, selectVariants } from './matrix/variants';

export type MatrixCliConfig =
  | { mode: 'live'; apiBase: string; apiToken: string; models: string[]; variants: MatrixVariant[] }
  | { mode: 'self-host'; models: string[]; variants: MatrixVariant[] };

/** Reads the run's settings from the environment; throws with a usage message on a bad combination. */
export function matrixConfigFromEnv(env: NodeJS.ProcessEnv): MatrixCliConfig {
  const apiBase = env.API_BASE?.trim();
  const apiToken = env.API_TOKEN?.trim();
  const models = parseList(env.ONEAPI_TEST_MODELS);
  const variants = selectVariants(parseList(env.ONEAPI_TEST_VARIANTS));
  if (apiBase || apiToken) {
    if (!apiBase || !apiToken)
      throw new Error('set both API_BASE and API_TOKEN to test a live deployment, or neither to self-host');
    return {
      mode: 'live',
      apiBase,
      apiToken,
      models: models.length > 0 ? models : [...DEFAULT_LIVE_MODELS],
      variants,
    };
  }
  return { mode: 'self-host', models, variants };
}

/** apps/api/dist/main.js, from libs/llm/testing/dist/matrix-cli.js. */
export const GATEWAY_MAIN = resolve(__dirname, '../../../../apps/api/dist/main.js');

function progress(cell: CellResult): void {
  const extra = cell.reason ? ` — ${cell.reason.slice(0, 160)}` : '';
  process.stderr.write(
    `[matrix] ${cell.status} ${cell.model} | ${cell.header} | ${(cell.durationMs / 1000).toFixed(2)}s${extra}\n`,
  );
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: MatrixCliConfig;
  try {
    config = matrixConfigFromEnv(env);
  } catch (error) {
    process.stderr.write(`matrix: ${(error as Error).message}\n`);
    return 2;
  }
  if (config.mode === 'live') {
    process.stderr.write(
      `[matrix] ${config.apiBase}: ${config.models.length} models × ${config.variants.length} variants\n`,
    );
    const report = await runMatrix({ ...config, onCell: progress });
    process.stdout.write('\n' + formatMatrix(report));
    return report.totals.failed > 0 ? 1 : 0;
  }
  let gateway;
  try {
    gateway = await startSelfHostedGateway({ gatewayMain: GATEWAY_MAIN, models: config.models });
  } catch (error) {
    process.stderr.write(`matrix: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    process.stderr.write(
      `[matrix] self-hosted gateway ${gateway.apiBase} with fake providers: ` +
        `${gateway.models.length} models × ${config.variants.length} variants\n`,
    );
    const report = await runMatrix({
      apiBase: gateway.apiBase,
      apiToken: gateway.apiToken,
      models: gateway.models,
      variants: config.variants,
      timeoutMs: 30_000,
      onCell: (cell) => {
        if (cell.status !== 'PASS') progress(cell);
      },
    });
    process.stdout.write('\n' + formatMatrix(report));
    return report.totals.failed > 0 ? 1 : 0;
  } finally {
    await gateway.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `matrix: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(2);
    },
  );
}
