// Preload (`node -r`) that lets a test start the gateway as a real process straight from the TypeScript sources,
// so process-level tests (SIGKILL, restarts) exercise the code under test rather than a possibly stale build:
// `.ts` files are compiled with SWC on require (the settings of .swcrc) and @one-api/* resolve to libs' src/index.ts.
'use strict';
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { transformSync } = require('@swc/core');

const root = resolve(__dirname, '../../..');
const ALIASES = [
  [/^@one-api\/contracts$/, 'libs/contracts/src/index.ts'],
  [/^@one-api\/llm-(.*)$/, 'libs/llm/$1/src/index.ts'],
  [/^@one-api\/server-(.*)$/, 'libs/server/$1/src/index.ts'],
];

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  for (const [pattern, target] of ALIASES)
    if (pattern.test(request)) return join(root, request.replace(pattern, target));
  return resolveFilename.call(this, request, ...rest);
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs', strictMode: true },
  });
  module._compile(code, filename);
};
