#!/usr/bin/env node
// Runs the whole Jest suite, then prints the closing line CI reads ("N passed, N failed, N skipped") as the very
// last line of output, and fails when anything failed or nothing ran. Extra arguments go to Jest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const jestBin = require.resolve('jest/bin/jest');
const resultsFile = join(root, 'reports', 'jest-results.json');
mkdirSync(dirname(resultsFile), { recursive: true });
rmSync(resultsFile, { force: true });

// --forceExit: a library handle left open by a test (a pool, a timer) must not hang CI after the results are in.
const args = [jestBin, '--json', `--outputFile=${resultsFile}`, '--forceExit', ...process.argv.slice(2)];
if (process.env.CI) args.push('--ci');
const run = spawnSync(process.execPath, args, { stdio: 'inherit', env: process.env, cwd: root });

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  skipped = results.numPendingTests + results.numTodoTests;
} else {
  failed = 1;
}
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
if (failed > 0 || passed === 0) process.exit(run.status || 1);
process.exit(run.status ?? 1);
