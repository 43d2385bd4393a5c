/**
 * `npm run fake-providers` — starts the fake OpenAI by hand (or for the benchmark).
 *
 *   node libs/llm/testing/dist/cli.js [--port 4010] [--host 127.0.0.1] [--latency-ms 150] [--chunk-delay-ms 30]
 *                                     [--api-key KEY] [--zero-latency] [--no-record]
 *                                     [--provider openai|bedrock|vertex|azure|cohere|ollama|replicate|coze]
 *
 * PORT sets the port when --port is absent (default 4010). By default it paces answers like a real model
 * (150 ms before the first byte, 30 ms between stream chunks); `--zero-latency` answers at once and keeps no
 * request record, for the benchmark. Faults: base URL `http://HOST:PORT/_fault/<spec>` or POST /_fake/fault.
 */
import type { FakeProvider } from './core/fake-server';
import { type FakeOpenAIOptions, startFakeOpenAI } from './openai/fake-openai';
import {
  FAKE_BEDROCK_ACCESS_KEY_ID,
  FAKE_BEDROCK_REGION,
  FAKE_BEDROCK_SECRET_ACCESS_KEY,
  startFakeBedrock,
} from './bedrock/fake-bedrock';
import { startFakeAzureOpenAI } from './azure/fake-azure';
import { type FakeVertex, startFakeVertex } from './vertex/fake-vertex';
import { generateKeyPairSync } from 'node:crypto';
import { startFakeCohere } from './cohere/fake-cohere';
import { startFakeCoze } from './coze/fake-coze';
import { startFakeOllama } from './ollama/fake-ollama';
import { startFakeReplicate } from './replicate/fake-replicate';

/** The fakes the CLI can start (OpenAI unless `--provider` says otherwise). */
export type CliProvider =
  | 'openai'
  | 'bedrock'
  | 'vertex'
  | 'azure'
  | 'cohere'
  | 'ollama'
  | 'replicate'
  | 'coze';
const CLI_PROVIDERS: readonly string[] = [
  'openai',
  'bedrock',
  'vertex',
  'azure',
  'cohere',
  'ollama',
  'replicate',
  'coze',
];
export type CliOptions = FakeOpenAIOptions & { provider?: CliProvider };

export const DEFAULT_CLI_PORT = 4010;
export const MANUAL_LATENCY_MS = 150;
export const MANUAL_CHUNK_DELAY_MS = 30;

const USAGE =
  'usage: fake-providers [--port N] [--host H] [--latency-ms N] [--chunk-delay-ms N] [--api-key KEY] ' +
  '[--zero-latency] [--no-record] [--provider openai|bedrock|vertex|azure|cohere|ollama|replicate|coze]';

function intArg(name: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value))
    throw new Error(`${name} expects a non-negative integer\n${USAGE}`);
  return Number(value);
}

/** Turns argv (without node and script) and the environment into fake options. Throws on a bad argument. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  const opts: CliOptions = {
    port: env.PORT ? intArg('PORT', env.PORT) : DEFAULT_CLI_PORT,
    host: '127.0.0.1',
    latencyMs: MANUAL_LATENCY_MS,
    chunkDelayMs: MANUAL_CHUNK_DELAY_MS,
    record: true,
  };
  let zero = false;
  const explicit = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--port':
        opts.port = intArg(flag, value());
        break;
      case '--host':
        opts.host = value();
        if (!opts.host) throw new Error(`--host expects a value\n${USAGE}`);
        break;
      case '--latency-ms':
        opts.latencyMs = intArg(flag, value());
        explicit.add(flag);
        break;
      case '--chunk-delay-ms':
        opts.chunkDelayMs = intArg(flag, value());
        explicit.add(flag);
        break;
      case '--api-key':
        opts.apiKey = value();
        if (!opts.apiKey) throw new Error(`--api-key expects a value\n${USAGE}`);
        break;
      case '--zero-latency':
        zero = true;
        break;
      case '--no-record':
        opts.record = false;
        break;
      case '--provider': {
        const provider = value();
        if (!CLI_PROVIDERS.includes(provider))
          throw new Error(`--provider expects ${CLI_PROVIDERS.join(', ')}\n${USAGE}`);
        opts.provider = provider as CliProvider;
        break;
      }
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    }
  }
  if (zero) {
    if (!explicit.has('--latency-ms')) opts.latencyMs = 0;
    if (!explicit.has('--chunk-delay-ms')) opts.chunkDelayMs = 0;
    opts.record = false;
  }
  return opts;
}

export function describe(fake: FakeProvider, opts: CliOptions): string {
  const pacing = `  latency ${opts.latencyMs ?? 0} ms, chunk delay ${opts.chunkDelayMs ?? 0} ms, recording ${opts.record === false ? 'off' : 'on'}`;
  if (opts.provider === 'vertex') {
    const vertex = fake as FakeVertex;
    // a throwaway key pair made at start: printing it is how a hand-made channel gets it
    const config = {
      region: 'us-central1',
      vertex_ai_project_id: vertex.projectId,
      vertex_ai_adc: vertex.serviceAccount.text,
    };
    return [
      `fake-vertex listening on ${fake.url} (token endpoint ${vertex.tokenUrl})`,
      `  channel type 42: base URL ${fake.url}, config ${JSON.stringify(config)}`,
      pacing,
      `  faults: ${fake.url}/_fault/<429|500|503|400|hang|refuse|cut:N|slow:MS>/v1/projects/...`,
    ].join('\n');
  }
  if (opts.provider === 'azure') {
    return [
      `fake-azure-openai listening on ${fake.url}`,
      `  channel type 3: base URL ${fake.url}, key in api-key${opts.apiKey ? ` (${opts.apiKey})` : ' (any non-empty)'}, any api-version`,
      pacing,
      `  faults: ${fake.url}/_fault/<429|500|503|401|400|hang|refuse|cut:N|slow:MS>/openai/deployments/...`,
    ].join('\n');
  }
  const native = NATIVE_CHANNELS[opts.provider ?? 'openai'];
  if (native) {
    return [
      `fake-${opts.provider} listening on ${fake.url}`,
      `  ${native(fake.url, opts)}`,
      pacing,
      `  faults: ${fake.url}/_fault/<429|500|503|401|400|hang|refuse|cut:N|slow:MS>/...`,
    ].join('\n');
  }
  if (opts.provider === 'bedrock') {
    return [
      `fake-bedrock listening on ${fake.url}`,
      `  channel type 33: base URL ${fake.url}, key ${FAKE_BEDROCK_ACCESS_KEY_ID}|${FAKE_BEDROCK_SECRET_ACCESS_KEY}|${FAKE_BEDROCK_REGION} (SigV4 verified)`,
      `  latency ${opts.latencyMs ?? 0} ms, chunk delay ${opts.chunkDelayMs ?? 0} ms, recording ${opts.record === false ? 'off' : 'on'}`,
      `  faults: ${fake.url}/_fault/<429|500|503|400|hang|refuse|cut:N|slow:MS>/model/...`,
    ].join('\n');
  }
  return [
    `fake-openai listening on ${fake.url}`,
    `  OpenAI base URL: ${fake.url}/v1 (any non-empty bearer key${opts.apiKey ? ' other than the configured one is refused' : ''})`,
    `  latency ${opts.latencyMs ?? 0} ms, chunk delay ${opts.chunkDelayMs ?? 0} ms, recording ${opts.record === false ? 'off' : 'on'}`,
    `  faults: ${fake.url}/_fault/<429|500|503|401|400|hang|refuse|cut:N|slow:MS>/v1/...`,
  ].join('\n');
}

/** A throwaway key pair for the fake Coze's OAuth JWT app, printed as the channel key a hand-made channel needs. */
const cozeApp = (() => {
  let app: { json: string; publicKeyPem: string } | undefined;
  return () => {
    if (!app) {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      app = {
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        json: JSON.stringify({
          client_type: 'jwt',
          client_id: 'fake-coze-app',
          public_key_id: 'fake-coze-kid',
          private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        }),
      };
    }
    return app;
  };
})();

/** How to point a channel at the native-protocol fakes (Cohere, Ollama, Replicate, Coze). */
const NATIVE_CHANNELS: Partial<Record<CliProvider, (url: string, opts: CliOptions) => string>> = {
  cohere: (url, opts) =>
    `channel type 35: base URL ${url}, bearer key ${opts.apiKey ?? '(any non-empty)'}; /v2/chat, /v2/rerank, /v2/embed`,
  ollama: (url) => `channel type 30: base URL ${url}, any key; /api/chat (NDJSON), /api/embed, /api/tags`,
  replicate: (url, opts) =>
    `channel type 46: base URL ${url}/v1/models/, bearer key ${opts.apiKey ?? '(any non-empty)'}; models owner/name`,
  coze: (url) =>
    `channel type 34: base URL ${url}, key pat_<anything>; or config {"auth_type":"oauth_jwt"} with key ${cozeApp().json}`,
};

export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<FakeProvider> {
  const opts = parseCliArgs(argv, env);
  const fake =
    opts.provider === 'cohere'
      ? await startFakeCohere(opts)
      : opts.provider === 'ollama'
        ? await startFakeOllama(opts)
        : opts.provider === 'replicate'
          ? await startFakeReplicate(opts)
          : opts.provider === 'coze'
            ? await startFakeCoze({
                ...opts,
                jwtApp: {
                  appId: 'fake-coze-app',
                  keyId: 'fake-coze-kid',
                  publicKeyPem: cozeApp().publicKeyPem,
                },
              })
            : opts.provider === 'bedrock'
              ? await startFakeBedrock(opts)
              : opts.provider === 'vertex'
                ? await startFakeVertex(opts)
                : opts.provider === 'azure'
                  ? await startFakeAzureOpenAI(opts)
                  : await startFakeOpenAI(opts);
  process.stdout.write(`${describe(fake, opts)}\n`);
  return fake;
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env).then(
    (fake) => {
      const stop = () => {
        void fake.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    },
  );
}
