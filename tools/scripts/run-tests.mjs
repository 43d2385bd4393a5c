#!/usr/bin/env node
// Runs the whole Jest suite and makes sure the run fails when nothing ran; extra arguments go to Jest.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const jestBin = require.resolve('jest/bin/jest');
const args = [jestBin, '--passWithNoTests=false', ...process.argv.slice(2)];
if (process.env.CI) args.push('--ci');
const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: process.env });
process.exit(result.status ?? 1);
