import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import { freePort } from './redis-server';

const MAIN = resolve(__dirname, '../src/main.ts');
const PRELOAD = resolve(__dirname, 'run-from-source.cjs');

export interface GatewayProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** everything the process wrote so far (stdout and stderr) */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the gateway as its own OS process, from the TypeScript sources (run-from-source.cjs), on 127.0.0.1 and a
 * free port; resolves once `/api/status` answers. Killed when the test process exits.
 */
export async function startGatewayProcess(
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<GatewayProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, ['-r', PRELOAD, MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      FORCE_ROOT_PASSWORD_CHANGE: 'false',
      RATE_LIMIT_DISABLED: 'true',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`gateway exited with ${child.exitCode}:\n${output.slice(-3000)}`);
    try {
      if ((await request(url).get('/api/status').timeout(2000)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not start in ${timeoutMs} ms:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    child,
    output: () => output,
    kill: (signal) =>
      new Promise<void>((done) => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill(signal);
      }),
  };
}
