import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey } from './relay-fixtures';

const ROOT = resolve(__dirname, '../../..');
const CLI = resolve(ROOT, 'libs/llm/testing/dist/matrix-cli.js');

/** Runs the built `npm run matrix` entry point with only the given environment (and PATH). */
function runCli(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('npm run matrix (the built CLI)', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  });

  it('self-hosted: starts the fakes and the built gateway, passes every cell, prints the table, exits 0', async () => {
    const run = await runCli({});
    expect(run.stderr).toContain('[matrix] self-hosted gateway http://127.0.0.1:');
    expect(run.stdout).toContain('=== One-API Regression Matrix ===');
    expect(run.stdout).toMatch(
      /^Variant +gpt-4o-mini +gpt-4.1-mini +claude-haiku-4-5 +gemini-2.5-flash +deepseek-chat$/m,
    );
    expect(run.stdout).toMatch(/^Claude Structured \(stream=true\) +(PASS \d+\.\d\ds +){4}PASS \d+\.\d\ds$/m);
    expect(run.stdout).toContain('Totals  | Requests: 120 | Passed: 120 | Failed: 0 | Skipped: 0');
    expect(run.code).toBe(0);
  }, 120_000);

  it('self-hosted: a model no fake serves is a usage error (exit 2)', async () => {
    const run = await runCli({ ONEAPI_TEST_MODELS: 'gpt-4o-mini,nope' });
    expect(run.stderr).toContain('no fake serves nope');
    expect(run.code).toBe(2);
  });

  describe('live, with API_BASE and API_TOKEN', () => {
    let t: TestApp;
    let fake: FakeProvider;
    let key: string;

    beforeAll(async () => {
      fake = await startFakeOpenAI();
      t = await startTestApp();
      const root = await t.login('root', '123456');
      await createChannel(root, { name: 'live openai', base_url: fake.url, models: 'gpt-4o-mini' });
      key = (await createKey(root, { name: 'matrix live', unlimited_quota: true })).key;
    });
    afterAll(async () => {
      await t?.close();
      await fake?.close();
    });

    it('runs the chosen variants × models, skips a model without a channel, exits 0', async () => {
      fake.clear();
      const run = await runCli({
        API_BASE: t.url,
        API_TOKEN: key,
        ONEAPI_TEST_MODELS: 'gpt-4o-mini unrouted-model',
        ONEAPI_TEST_VARIANTS: 'chat_tools;claude_stream_true',
      });
      expect(run.stdout).toMatch(/^Chat Tools \(stream=false\) +PASS \d+\.\d\ds +SKIP$/m);
      expect(run.stdout).toMatch(/^Claude \(stream=true\) +PASS \d+\.\d\ds +SKIP$/m);
      expect(run.stdout).toContain('Totals  | Requests: 4 | Passed: 2 | Failed: 0 | Skipped: 2');
      expect(run.stdout).toContain('Skipped (unsupported combinations):');
      expect(run.stdout).toContain('- unrouted-model - Chat Tools (stream=false) -> status 503');
      expect(fake.requests).toHaveLength(2);
      expect(run.code).toBe(0);
    }, 60_000);

    it('exits 1 when a cell fails', async () => {
      fake.setFault('400');
      try {
        const run = await runCli({
          API_BASE: t.url,
          API_TOKEN: key,
          ONEAPI_TEST_MODELS: 'gpt-4o-mini',
          ONEAPI_TEST_VARIANTS: 'chat_stream_false',
        });
        expect(run.stdout).toMatch(/^Chat \(stream=false\) +FAIL status 400/m);
        expect(run.stdout).toContain('Totals  | Requests: 1 | Passed: 0 | Failed: 1 | Skipped: 0');
        expect(run.code).toBe(1);
      } finally {
        fake.setFault(null);
      }
    }, 60_000);

    it('refuses API_TOKEN without API_BASE (exit 2)', async () => {
      const run = await runCli({ API_TOKEN: key });
      expect(run.stderr).toContain('set both API_BASE and API_TOKEN');
      expect(run.code).toBe(2);
    });
  });
});
