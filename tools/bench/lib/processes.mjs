// Child processes of the benchmark: started with their own log file, remembered by pid, and always stopped —
// on success, on error, on Ctrl-C / SIGTERM and when the harness exits.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';

const running = new Map(); // pid -> { name, child }
let hooksInstalled = false;

/** Starts `command args` with stdout+stderr going to `logFile`; the returned handle knows its pid. */
export function startProcess(name, command, args, { env, cwd, logFile, ipc = false } = {}) {
  installExitHooks();
  const fd = openSync(logFile, 'a');
  const stdio = ['ignore', fd, fd];
  if (ipc) stdio.push('ipc');
  const child = spawn(command, args, { env, cwd, stdio });
  closeSync(fd);
  const proc = {
    name,
    child,
    pid: child.pid,
    logFile,
    exited: false,
    exitCode: null,
    done: new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        proc.exited = true;
        proc.exitCode = code ?? signal;
        running.delete(child.pid);
        resolve(proc.exitCode);
      });
    }),
  };
  child.once('error', (error) => {
    proc.exited = true;
    proc.exitCode = error.message;
    running.delete(child.pid);
  });
  if (child.pid) running.set(child.pid, proc);
  return proc;
}

/** Runs a command to completion (bounded by `timeoutMs`), collecting its output. */
export function runCommand(command, args, { env, cwd, timeoutMs = 120_000, input } = {}) {
  installExitHooks();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      cwd,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const proc = { name: command, child, pid: child.pid };
    if (child.pid) running.set(child.pid, proc);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      stderr += `\n[bench] ${command} killed after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      running.delete(child.pid);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid);
      resolve({ code: code ?? signal, stdout, stderr });
    });
  });
}

/** Stops one process: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(proc, graceMs = 5000) {
  if (!proc || proc.exited || !proc.pid) return;
  try {
    process.kill(proc.pid, 'SIGTERM');
  } catch {
    return;
  }
  const killed = await Promise.race([proc.done.then(() => true), sleep(graceMs).then(() => false)]);
  if (!killed) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await Promise.race([proc.done, sleep(2000)]);
  }
}

/** Stops everything this harness started, newest first. */
export async function stopAll() {
  const procs = [...running.values()].reverse();
  await Promise.all(procs.map((p) => (p.done ? stopProcess(p) : killNow(p.pid))));
}

function killNow(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Last resort: the harness is exiting and cannot wait any more.
  process.once('exit', () => {
    for (const pid of running.keys()) killNow(pid);
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      process.stderr.write(`\n[bench] ${signal}: stopping every process started by the benchmark…\n`);
      const hardExit = setTimeout(() => process.exit(130), 8000);
      hardExit.unref();
      stopAll().finally(() => process.exit(130));
    });
  }
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it resolves truthy; fails after `timeoutMs` or when `proc` exits. */
export async function waitUntil(what, probe, { timeoutMs = 30_000, proc } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (proc?.exited) throw new Error(`${what}: process exited (${proc.exitCode}); see ${proc.logFile}`);
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms${lastError ? ` (${lastError.message})` : ''}`);
}
