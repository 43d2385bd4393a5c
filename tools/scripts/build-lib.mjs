#!/usr/bin/env node
// Compiles one project's src/ to dist/ with SWC (decorator metadata on), used by every Nx `build` target.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const projectRoot = resolve(workspaceRoot, process.argv[2] ?? '.');
const require = createRequire(import.meta.url);
const swc = require.resolve('@swc/cli/bin/swc.js');

rmSync(resolve(projectRoot, 'dist'), { recursive: true, force: true });
const args = [
  swc,
  'src',
  '-d',
  'dist',
  '--strip-leading-paths',
  '-q',
  '--config-file',
  resolve(workspaceRoot, '.swcrc'),
];
for (const pattern of ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/fixtures/**'])
  args.push('--ignore', pattern);
const result = spawnSync(process.execPath, args, { cwd: projectRoot, stdio: 'inherit' });
process.exit(result.status ?? 1);
