// The reference gateway: Portkey's open-source gateway, installed into a throwaway folder at bench time
// (never into the workspace), with the versions it needs to stream pinned by npm overrides.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './processes.mjs';

export const PORTKEY = {
  gateway: '1.15.2',
  // 1.15.2 streams only with these two pinned (newer releases of them break its streamed responses).
  nodeServer: '1.13.5',
  hono: '4.9.7',
};

/**
 * Its server calls `serve({ fetch, port })` without a hostname, so Node binds every interface. This preload
 * gives every `listen()` without a host 127.0.0.1 instead.
 */
const LOOPBACK_PRELOAD = `'use strict';
// Benchmark preload: force listen() calls that name no host onto the loopback interface.
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, args[1] === undefined ? 1 : 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && !args[0].host && args[0].path === undefined) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
`;

/** Installs Portkey with its pins into `dir`; returns the entry script, the preload and installed versions. */
export async function installPortkey(dir, log) {
  mkdirSync(dir, { recursive: true });
  const pins = {
    '@portkey-ai/gateway': PORTKEY.gateway,
    '@hono/node-server': PORTKEY.nodeServer,
    hono: PORTKEY.hono,
  };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'one-api-bench-portkey',
        private: true,
        type: 'module',
        dependencies: pins,
        overrides: { '@hono/node-server': PORTKEY.nodeServer, hono: PORTKEY.hono },
      },
      null,
      2,
    ),
  );
  const entry = join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  if (!existsSync(entry)) {
    log(`installing @portkey-ai/gateway@${PORTKEY.gateway} (+ pins) into ${dir}`);
    const r = await runCommand(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error'],
      { cwd: dir, env: { ...process.env, npm_config_workspaces: 'false' }, timeoutMs: 300_000 },
    );
    if (r.code !== 0 || !existsSync(entry)) throw new Error(`npm install of Portkey failed:\n${r.stderr}`);
  }
  const version = (name) =>
    JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  const installed = {
    gateway: version('@portkey-ai/gateway'),
    nodeServer: version('@hono/node-server'),
    hono: version('hono'),
  };
  if (
    installed.gateway !== PORTKEY.gateway ||
    installed.nodeServer !== PORTKEY.nodeServer ||
    installed.hono !== PORTKEY.hono
  ) {
    throw new Error(`Portkey pins did not win: ${JSON.stringify(installed)}`);
  }
  const preload = join(dir, 'loopback-preload.cjs');
  writeFileSync(preload, LOOPBACK_PRELOAD);
  return { entry, preload, installed };
}

/** Headers that make Portkey relay an OpenAI request to `upstreamV1` (a URL ending in /v1). */
export function portkeyHeaders(upstreamV1, apiKey) {
  return {
    authorization: `Bearer ${apiKey}`,
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': upstreamV1,
  };
}
