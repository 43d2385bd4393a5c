import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ANTHROPIC_REPLY_PREFIX,
  GEMINI_REPLY_PREFIX,
  REPLY_PREFIX,
  type RecordedRequest,
} from '@one-api/llm-testing';
import {
  billedRequests,
  CHANNELS,
  type ChannelSpec,
  expectBilled,
  type Gateway,
  type Protocol,
  startGateway,
} from './client-fixtures';

/**
 * The real agent CLIs — Claude Code (`claude -p`) and Codex (`codex exec`) from their npm packages — against the
 * gateway, with the model behind them on channels of each upstream protocol (fake providers). Each completes a text
 * turn and a tool-call turn with its own tools (Claude Code reads a file with Read, Codex runs a shell command with
 * exec_command; the fakes call a tool the prompt names, with the arguments the prompt gives). Telemetry, update checks
 * and other non-essential traffic are off through the CLIs' documented switches. Nothing may leave the machine: the
 * CLIs get HTTP(S)_PROXY pointing at a loopback sink that records and refuses whatever they try to reach outside
 * (NO_PROXY keeps the gateway direct), and when strace is usable every socket they connect must be a loopback one.
 */
const PREFIX: Record<Protocol, string> = {
  openai: REPLY_PREFIX,
  'openai-responses': REPLY_PREFIX,
  anthropic: ANTHROPIC_REPLY_PREFIX,
  gemini: GEMINI_REPLY_PREFIX,
};

const CLAUDE_CLI = require.resolve('@anthropic-ai/claude-code/cli.js');
const CODEX_CLI = require.resolve('@openai/codex/bin/codex.js');
const CLI_TIMEOUT_MS = 90_000;
jest.setTimeout(150_000);

/** strace works here (installed, ptrace allowed): CLIs run under it and their connect() calls are checked. */
const STRACE =
  spawnSync('strace', ['-f', '-qq', '-e', 'trace=connect', '-o', '/dev/null', 'true']).status === 0;

/** A loopback HTTP proxy that refuses everything and remembers what was asked for (`host:port` of CONNECTs, URLs). */
interface ProxySink {
  url: string;
  attempts: string[];
  close(): Promise<void>;
}

async function startProxySink(): Promise<ProxySink> {
  const attempts: string[] = [];
  const server: Server = createServer((req, res) => {
    attempts.push(req.url ?? '');
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    attempts.push(req.url ?? '');
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** addresses of every inet socket the CLI (and its children) connected, when traced */
  connected?: string[];
}

function runCli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  traceFile: string,
): Promise<CliRun> {
  const [cmd, argv] = STRACE
    ? ['strace', ['-f', '-qq', '-e', 'trace=connect', '-o', traceFile, process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, connected: STRACE ? connectedAddresses(traceFile) : undefined });
    });
  });
}

/** `ip:port` of every AF_INET/AF_INET6 connect() in an strace log. */
function connectedAddresses(traceFile: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(traceFile, 'utf8').split('\n')) {
    const v4 =
      /connect\(\d+, \{sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/.exec(
        line,
      );
    const v6 =
      /connect\(\d+, \{sa_family=AF_INET6, sin6_port=htons\((\d+)\),.*inet_pton\(AF_INET6, "([^"]+)"/.exec(
        line,
      );
    if (v4) out.push(`${v4[2]}:${v4[1]}`);
    else if (v6) out.push(`[${v6[2]}]:${v6[1]}`);
  }
  return out;
}

function expectLoopbackOnly(run: CliRun): void {
  if (!run.connected) return;
  expect(run.connected.length).toBeGreaterThan(0);
  expect(run.connected.filter((a) => !/^(127\.|\[::1\]|\[::ffff:127\.)/.test(a))).toEqual([]);
}

function expectExit0(run: CliRun): void {
  if (run.code !== 0) throw new Error(`CLI exited ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
}

type Json = Record<string, unknown>;
const bodyOf = (r: { rawBody: string }): Json => JSON.parse(r.rawBody) as Json;

describe('agent CLIs through the gateway', () => {
  let g: Gateway;
  let sink: ProxySink;
  let dir: string;
  let workdir: string;
  const FILE_TEXT = 'the secret word is pelican-42';

  beforeAll(async () => {
    g = await startGateway();
    sink = await startProxySink();
    dir = mkdtempSync(join(tmpdir(), 'agent-clis-'));
    workdir = mkdtempSync(join(dir, 'work-'));
    writeFileSync(join(workdir, 'notes.txt'), `${FILE_TEXT}\n`);
    if (!STRACE) console.warn('[agent-clis] strace unavailable: the loopback-only check is skipped');
  });
  afterAll(async () => {
    await g?.close();
    await sink?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    g.reset();
    sink.attempts.length = 0;
  });

  /** Environment every CLI run gets: a PATH, a private HOME, and the proxy sink for anything not on loopback. */
  const baseEnv = (home: string): Record<string, string> => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    HTTP_PROXY: sink.url,
    HTTPS_PROXY: sink.url,
    http_proxy: sink.url,
    https_proxy: sink.url,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  });

  const upstream = (spec: ChannelSpec): RecordedRequest[] =>
    g.fake(spec.protocol).requests.filter((r) => r.method === 'POST');

  describe('Claude Code (claude -p)', () => {
    let run = 0;
    /** Runs `claude -p` with a fresh config dir, every model slot on `spec.model`, telemetry and updates off. */
    function claude(
      spec: ChannelSpec,
      prompt: string,
      auth: 'bearer' | 'x-api-key',
      extraEnv: Record<string, string> = {},
    ): Promise<CliRun> {
      const home = mkdtempSync(join(dir, `claude-home-${run++}-`));
      const env: Record<string, string> = {
        ...baseEnv(home),
        CLAUDE_CONFIG_DIR: join(home, '.claude'),
        ANTHROPIC_BASE_URL: g.proxy.url,
        ...(auth === 'bearer' ? { ANTHROPIC_AUTH_TOKEN: g.key } : { ANTHROPIC_API_KEY: g.key }),
        // every model slot Claude Code uses (main loop, background/haiku calls, subagents) → the channel under test
        ANTHROPIC_MODEL: spec.model,
        ANTHROPIC_DEFAULT_OPUS_MODEL: spec.model,
        ANTHROPIC_DEFAULT_SONNET_MODEL: spec.model,
        ANTHROPIC_DEFAULT_HAIKU_MODEL: spec.model,
        CLAUDE_CODE_SUBAGENT_MODEL: spec.model,
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_ERROR_REPORTING: '1',
        DISABLE_BUG_COMMAND: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        ...extraEnv,
      };
      return runCli([CLAUDE_CLI, '-p', prompt], env, workdir, join(home, 'strace.log'));
    }

    /**
     * Nothing reached for outside loopback. One exception, with no opt-out in 2.0.77: with ANTHROPIC_API_KEY (not with
     * ANTHROPIC_AUTH_TOKEN) Claude Code asks https://api.anthropic.com/api/claude_code/organizations/metrics_enabled
     * (VCS account linking) whatever ANTHROPIC_BASE_URL says; the sink refuses that CONNECT before any byte is sent.
     */
    function expectNoOutsideTraffic(result: CliRun, auth: 'bearer' | 'x-api-key'): void {
      expectLoopbackOnly(result);
      if (auth === 'bearer') expect(sink.attempts).toEqual([]);
      else expect(sink.attempts.filter((a) => a !== 'api.anthropic.com:443')).toEqual([]);
    }

    /** The CLI's own requests (what the proxy saw), each parsed. */
    function cliRequests() {
      const requests = billedRequests(g);
      for (const r of requests) {
        expect(r.method).toBe('POST');
        expect(r.url).toBe('/v1/messages?beta=true');
        expect(r.status).toBe(200);
        expect(r.headers['anthropic-version']).toBe('2023-06-01');
      }
      return requests.map((r) => ({ ...r, body: bodyOf(r) }));
    }

    /** The main-loop request: the one with the most tools (Claude Code also sends small side requests). */
    function mainRequest() {
      const requests = cliRequests();
      const toolCount = (r: { body: Json }) => ((r.body.tools as unknown[]) ?? []).length;
      return requests.reduce((a, b) => (toolCount(b) > toolCount(a) ? b : a));
    }

    it.each([
      { spec: CHANNELS.openai, auth: 'bearer' as const },
      { spec: CHANNELS.anthropic, auth: 'x-api-key' as const },
    ])('text turn, model on a $spec.protocol channel ($auth auth)', async ({ spec, auth }) => {
      const result = await claude(spec, 'Say hello from Claude Code.', auth);
      expectExit0(result);
      expect(result.stdout.trim()).toBe(`${PREFIX[spec.protocol]}Say hello from Claude Code.`);
      expectNoOutsideTraffic(result, auth);

      const main = mainRequest();
      if (auth === 'bearer') expect(main.headers.authorization).toBe(`Bearer ${g.key}`);
      else expect(main.headers['x-api-key']).toBe(g.key);
      // what makes Claude Code traffic special: big, many tools, cached system blocks, metadata, always streaming
      expect(main.rawBody.length).toBeGreaterThan(50_000);
      const cliTools = (main.body.tools as Array<{ name: string }>).map((t) => t.name);
      expect(cliTools.length).toBeGreaterThanOrEqual(15);
      expect(cliTools).toEqual(expect.arrayContaining(['Bash', 'Read', 'Edit', 'Grep']));
      expect(main.body).toMatchObject({
        model: spec.model,
        stream: true,
        metadata: { user_id: expect.any(String) },
      });
      expect(main.body.system).toEqual(
        expect.arrayContaining([expect.objectContaining({ cache_control: { type: 'ephemeral' } })]),
      );
      expect(main.headers['anthropic-beta']).toMatch(/\d{4}-\d{2}-\d{2}/); // betas such as interleaved-thinking-2025-05-14

      const received = upstream(spec);
      if (spec.protocol === 'anthropic') {
        // passthrough: every request reached Anthropic byte for byte (cache_control and all)
        expect(received.map((r) => r.rawBody).sort()).toEqual(
          cliRequests()
            .map((r) => r.rawBody)
            .sort(),
        );
        expect(received.every((r) => r.headers['anthropic-beta'] === main.headers['anthropic-beta'])).toBe(
          true,
        );
      } else {
        // converted: the same conversation as a streaming Chat Completions request with the same tools
        const chat = received.find((r) => ((r.body as Json).tools as unknown[])?.length === cliTools.length);
        const body = chat!.body as Json;
        expect(chat!.path).toBe('/v1/chat/completions');
        expect(body).toMatchObject({
          model: spec.model,
          stream: true,
          stream_options: { include_usage: true },
        });
        expect((body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(
          cliTools,
        );
        const messages = body.messages as Array<{ role: string; content: unknown }>;
        expect(messages[0].role).toBe('system');
        const systemText = (main.body.system as Array<{ text: string }>).map((b) => b.text);
        for (const text of systemText)
          expect(JSON.stringify(messages[0].content)).toContain(JSON.stringify(text).slice(1, 60));
        expect(JSON.stringify(messages[messages.length - 1])).toContain('Say hello from Claude Code.');
      }
      await expectBilled(g, spec);
    });

    it.each([
      { spec: CHANNELS.openai, auth: 'bearer' as const },
      { spec: CHANNELS.anthropic, auth: 'x-api-key' as const },
      { spec: CHANNELS.gemini, auth: 'bearer' as const },
    ])(
      'tool-call turn: reads a file with its Read tool, model on a $spec.protocol channel',
      async ({ spec, auth }) => {
        const path = join(workdir, 'notes.txt');
        const result = await claude(spec, `call Read with ${JSON.stringify({ file_path: path })}`, auth);
        expectExit0(result);
        const out = result.stdout.trim();
        expect(out.startsWith(`${PREFIX[spec.protocol]}tool result: `)).toBe(true);
        expect(out).toContain(FILE_TEXT);
        expectNoOutsideTraffic(result, auth);

        // Claude Code sent the tool_use back with the file's content as its tool_result
        const followUp = cliRequests().find((r) => JSON.stringify(r.body.messages).includes('tool_result'));
        const messages = followUp!.body.messages as Array<{ role: string; content: Array<Json> }>;
        const use = messages[messages.length - 2].content.find((b) => b.type === 'tool_use');
        expect(use).toMatchObject({ name: 'Read', input: { file_path: path } });
        const toolResult = messages[messages.length - 1].content.find((b) => b.type === 'tool_result');
        expect(JSON.stringify(toolResult)).toContain(FILE_TEXT);

        // ...and the provider got both in its own shape
        const received = upstream(spec).map((r) => JSON.stringify(r.body));
        const native = received.find((b) => b.includes(FILE_TEXT));
        expect(native).toBeDefined();
        if (spec.protocol === 'anthropic') expect(native).toContain('"tool_result"');
        if (spec.protocol === 'openai') expect(native).toContain('"role":"tool"');
        if (spec.protocol === 'gemini') expect(native).toContain('"functionResponse"');
        await expectBilled(g, spec);
      },
    );

    it.each([CHANNELS.anthropic, CHANNELS.openai])(
      'tool-call turn with extended thinking (MAX_THINKING_TOKENS), model on a $protocol channel',
      async (spec) => {
        const path = join(workdir, 'notes.txt');
        const result = await claude(spec, `call Read with ${JSON.stringify({ file_path: path })}`, 'bearer', {
          MAX_THINKING_TOKENS: '2048',
        });
        expectExit0(result);
        expect(result.stdout.trim()).toContain(FILE_TEXT);
        expectNoOutsideTraffic(result, 'bearer');

        const requests = cliRequests();
        for (const r of requests) expect(r.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
        const followUp = requests.find((r) => JSON.stringify(r.body.messages).includes('tool_result'));
        const messages = followUp!.body.messages as Array<{ role: string; content: Array<Json> }>;
        const assistant = messages[messages.length - 2].content;
        const received = upstream(spec);
        if (spec.protocol === 'anthropic') {
          // the signed thinking block came back from Claude Code and reached Anthropic unchanged (the fake checks it)
          expect(assistant[0]).toMatchObject({ type: 'thinking', signature: expect.any(String) });
          expect(received.map((r) => r.rawBody).sort()).toEqual(requests.map((r) => r.rawBody).sort());
        } else {
          for (const r of received) expect((r.body as Json).reasoning_effort).toBe('low');
        }
        await expectBilled(g, spec);
      },
    );
  });

  describe('Codex (codex exec)', () => {
    let run = 0;
    /** Runs `codex exec` with a fresh CODEX_HOME whose config.toml points a `wire_api = "responses"` provider at the gateway. */
    function codex(spec: ChannelSpec, prompt: string): Promise<CliRun> {
      const home = mkdtempSync(join(dir, `codex-home-${run++}-`));
      writeFileSync(
        join(home, 'config.toml'),
        [
          `model = "${spec.model}"`,
          'model_provider = "oneapi"',
          'check_for_update_on_startup = false',
          '',
          '[analytics]',
          'enabled = false',
          '',
          // plugin/app marketplaces are synced from github.com and chatgpt.com at startup otherwise
          '[features]',
          'plugins = false',
          'remote_plugin = false',
          'plugin_sharing = false',
          'apps = false',
          '',
          '[model_providers.oneapi]',
          'name = "One API"',
          `base_url = "${g.proxy.url}/v1"`,
          'env_key = "ONEAPI_API_KEY"',
          'wire_api = "responses"',
          '',
        ].join('\n'),
      );
      const env: Record<string, string> = {
        ...baseEnv(home),
        CODEX_HOME: home,
        ONEAPI_API_KEY: g.key,
      };
      // exec never asks for approval; danger-full-access runs the (harmless) command without bubblewrap, which needs
      // user namespaces that CI containers may not grant.
      const args = [
        CODEX_CLI,
        'exec',
        '--skip-git-repo-check',
        '--sandbox',
        'danger-full-access',
        '--color',
        'never',
      ];
      return runCli([...args, prompt], env, workdir, join(home, 'strace.log'));
    }

    function cliRequests() {
      const requests = billedRequests(g);
      for (const r of requests) {
        expect(r.method).toBe('POST');
        expect(r.url).toBe('/v1/responses');
        expect(r.status).toBe(200);
        expect(r.headers.authorization).toBe(`Bearer ${g.key}`);
      }
      return requests.map((r) => ({ ...r, body: bodyOf(r) }));
    }

    it.each([CHANNELS.openai, CHANNELS.anthropic])(
      'text turn, model on a $protocol channel',
      async (spec) => {
        const result = await codex(spec, 'Say hello from Codex.');
        expectExit0(result);
        expect(result.stdout.trim()).toBe(`${PREFIX[spec.protocol]}Say hello from Codex.`);
        expectLoopbackOnly(result);
        expect(sink.attempts).toEqual([]);
        const [sent] = cliRequests();
        expect(sent.body).toMatchObject({ model: spec.model, stream: true, store: false });
        expect((sent.body.tools as Array<{ name?: string }>).map((t) => t.name)).toContain('exec_command');
        const received = upstream(spec);
        expect(received).toHaveLength(1);
        expect(received[0].path).toBe(
          spec.protocol === 'anthropic' ? '/v1/messages' : '/v1/chat/completions',
        );
        expect(JSON.stringify(received[0].body)).toContain('Say hello from Codex.');
        await expectBilled(g, spec);
      },
    );

    it.each([CHANNELS.openai, CHANNELS['openai-responses'], CHANNELS.anthropic, CHANNELS.gemini])(
      'tool-call turn: runs a shell command with exec_command, model on a $protocol channel',
      async (spec) => {
        const result = await codex(spec, 'call exec_command with {"cmd": "echo codex-tool-$((6*7))"}');
        expectExit0(result);
        expect(result.stdout.trim().startsWith(`${PREFIX[spec.protocol]}tool result: `)).toBe(true);
        expect(result.stderr).toContain('codex-tool-42'); // the command really ran
        expectLoopbackOnly(result);
        expect(sink.attempts).toEqual([]);

        const requests = cliRequests();
        expect(requests).toHaveLength(2);
        const input = requests[1].body.input as Array<Json>;
        const call = input.find((i) => i.type === 'function_call');
        expect(call).toMatchObject({ name: 'exec_command' });
        expect(JSON.parse(String(call!.arguments))).toEqual({ cmd: 'echo codex-tool-$((6*7))' });
        const output = input.find((i) => i.type === 'function_call_output');
        expect(output).toMatchObject({ call_id: call!.call_id });
        expect(JSON.stringify(output)).toContain('codex-tool-42');

        const received = upstream(spec);
        expect(received).toHaveLength(2);
        const second = JSON.stringify(received[1].body);
        expect(second).toContain('codex-tool-42');
        if (spec.protocol === 'openai-responses') {
          // the caller's own format: passed through byte for byte
          expect(received.map((r) => r.rawBody)).toEqual(requests.map((r) => r.rawBody));
        } else if (spec.protocol === 'openai') expect(second).toContain('"role":"tool"');
        else if (spec.protocol === 'anthropic') expect(second).toContain('"tool_result"');
        else expect(second).toContain('"functionResponse"');
        await expectBilled(g, spec);
      },
    );
  });
});
