import { stripVTControlCharacters } from 'node:util';
import {
  type CellResult,
  type FakeProvider,
  formatMatrix,
  MATRIX_VARIANTS,
  type MatrixVariant,
  matrixTotals,
  runCell,
  FAKE_BEDROCK_ACCESS_KEY_ID,
  FAKE_BEDROCK_SECRET_ACCESS_KEY,
  FAKE_VERTEX_TOKEN_PATH,
  type FakeVertex,
  startFakeAnthropic,
  startFakeAzureOpenAI,
  startFakeVertex,
  startFakeBedrock,
  startFakeCohere,
  startFakeGemini,
  startFakeOpenAI,
  startFakeReplicate,
  startFakeOllama,
  startFakeZhipu,
  startFakeAli,
} from '@one-api/llm-testing';
import { Log } from '@one-api/server-db';
import { startTestApp, TestApp } from './harness';
import {
  checkNativeRequest,
  checkReply,
  type MatrixColumn,
  providerUsage,
  replyUsage,
} from './matrix-expectations';
import { type ChannelInput, createChannel, createKey, settled } from './relay-fixtures';

/**
 * The regression matrix (`npm run matrix`) in CI: every variant of the fork's harness (Chat / Responses / Claude ×
 * stream × plain, tools, tool history, structured output) against OpenAI, Anthropic, Gemini and DeepSeek channels
 * backed by the fake providers. Each cell checks the PASS rule, then — the fakes being deterministic — the exact
 * reply, the native request the fake received, and the single consume log the request settled with.
 */
/** "Expected … / Received …" of a failed expectation, without colours. */
function failureSummary(error: unknown): string {
  const lines = stripVTControlCharacters(String((error as Error).message ?? error)).split('\n');
  const picked = lines.filter((l) => /^\s*(Expected|Received)/.test(l)).map((l) => l.trim());
  return (picked.length > 0 ? picked : lines.filter((l) => l.trim()).slice(0, 1)).join(' / ');
}

const COLUMNS: MatrixColumn[] = [
  {
    model: 'gpt-4o-mini',
    upstreamModel: 'gpt-4o-mini-2024-07-18',
    channelType: 1,
    protocol: 'openai-chat',
    channelKey: 'sk-fake-openai',
  },
  {
    model: 'gpt-4.1-mini',
    upstreamModel: 'gpt-4.1-mini-2025-04-14',
    channelType: 1,
    protocol: 'openai-responses',
    channelKey: 'sk-fake-openai-responses',
    config: { api_format: 'response' },
  },
  {
    model: 'claude-haiku-4-5',
    upstreamModel: 'claude-haiku-4-5-20251001',
    channelType: 14,
    protocol: 'anthropic',
    channelKey: 'sk-ant-fake',
  },
  {
    model: 'gemini-2.5-flash',
    upstreamModel: 'gemini-2.5-flash-preview-09-2025',
    channelType: 24,
    protocol: 'gemini',
    channelKey: 'AIza-fake-gemini',
  },
  {
    model: 'deepseek-chat',
    upstreamModel: 'deepseek-chat',
    channelType: 36,
    protocol: 'openai-chat',
    channelKey: 'sk-fake-deepseek',
  },
  {
    model: 'command-r-plus',
    upstreamModel: 'command-r-plus-08-2024',
    channelType: 35,
    protocol: 'cohere',
    channelKey: 'co-fake-cohere',
  },
  {
    // AWS Bedrock through Converse, credentials in the channel config (ak / sk / region)
    model: 'amazon.nova-lite-v1:0',
    upstreamModel: 'amazon.nova-lite-v1:0',
    channelType: 33,
    protocol: 'bedrock-converse',
    channelKey: 'credentials-in-config',
    config: { ak: FAKE_BEDROCK_ACCESS_KEY_ID, sk: FAKE_BEDROCK_SECRET_ACCESS_KEY, region: 'us-east-1' },
  },
  {
    // Claude on AWS Bedrock through InvokeModel, a cross-region inference profile id, credentials as the key AK|SK|REGION
    model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    upstreamModel: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    channelType: 33,
    protocol: 'bedrock-claude',
    channelKey: `${FAKE_BEDROCK_ACCESS_KEY_ID}|${FAKE_BEDROCK_SECRET_ACCESS_KEY}|us-east-1`,
  },
  {
    // Gemini on Vertex AI: service-account token exchange, publisher model URL of the channel's location
    model: 'vertex-gemini-2.5-flash',
    upstreamModel: 'gemini-2.5-flash',
    channelType: 42,
    protocol: 'vertex-gemini',
    channelKey: 'service-account-in-config',
    config: { region: 'global', vertex_ai_project_id: 'fake-vertex-project' },
  },
  {
    // Claude on Vertex AI: rawPredict / streamRawPredict with anthropic_version in the body
    model: 'vertex-claude-haiku-4-5',
    upstreamModel: 'claude-haiku-4-5@20251001',
    channelType: 42,
    protocol: 'vertex-anthropic',
    channelKey: 'service-account-in-config',
    config: { region: 'us-east5', vertex_ai_project_id: 'fake-vertex-project' },
  },
  {
    // Azure OpenAI chat: deployment URL (dots removed), api-version, api-key
    model: 'azure-gpt-4.1-mini',
    upstreamModel: 'gpt-4.1-mini',
    channelType: 3,
    protocol: 'azure-chat',
    channelKey: 'azure-fake-key-chat',
    config: { api_version: '2024-10-21' },
  },
  {
    // Azure OpenAI with a GPT-5 model: every caller format goes through Azure's Responses API
    model: 'azure-gpt-5-mini',
    upstreamModel: 'gpt-5-mini',
    channelType: 3,
    protocol: 'azure-responses',
    channelKey: 'azure-fake-key-responses',
    config: { api_version: '2025-04-01-preview' },
  },
  {
    // Replicate: an asynchronous prediction (create with Prefer: wait, or follow its SSE stream), prompt-based tools
    model: 'llama-3-8b',
    upstreamModel: 'meta/meta-llama-3-8b-instruct',
    channelType: 46,
    protocol: 'replicate',
    channelKey: 'r8_fake_replicate',
  },
  {
    // Ollama's native /api/chat (NDJSON streams); it has no tool choice, so forced tools are the only ones offered
    model: 'llama3.2',
    upstreamModel: 'llama3.2:3b',
    channelType: 30,
    protocol: 'ollama',
    channelKey: 'ollama-fake-key',
  },
  {
    // Zhipu: OpenAI-shaped v4 API, the id.secret key signed into a JWT (passthrough and converted calls alike)
    model: 'glm-4-plus',
    upstreamModel: 'glm-4-plus',
    channelType: 16,
    protocol: 'zhipu-chat',
    channelKey: 'matrixzhipuid.matrixZhipuSecret',
  },
  {
    // Ali DashScope native generation: OpenAI-shaped messages and tools inside {input, parameters}
    model: 'qwen-plus',
    upstreamModel: 'qwen-plus-2025-07-28',
    channelType: 17,
    protocol: 'ali-dashscope',
    channelKey: 'sk-fake-dashscope',
  },
];

/** The channel config, with a Vertex column's service account (the key pair its fake made at start). */
function channelConfig(column: MatrixColumn, fake: FakeProvider): Record<string, unknown> | undefined {
  if (column.channelType !== 42) return column.config;
  return { ...column.config, vertex_ai_adc: (fake as FakeVertex).serviceAccount.text };
}

/**
 * What the fake received for the model itself (a Vertex fake also answers the token exchange, cached afterwards; a
 * Replicate fake also serves the prediction's stream and state, read with GETs).
 */
function nativeRequests(fake: FakeProvider) {
  return fake.requests.filter((r) => r.path !== FAKE_VERTEX_TOKEN_PATH && r.method === 'POST');
}

describe('regression matrix: every variant × OpenAI, Anthropic, Gemini and DeepSeek channels', () => {
  let t: TestApp;
  let apiToken: string;
  const fakes = new Map<string, FakeProvider>();
  const channelIds = new Map<string, number>();
  const cells: CellResult[] = [];

  beforeAll(async () => {
    fakes.set('gpt-4o-mini', await startFakeOpenAI({ apiKey: 'sk-fake-openai' }));
    fakes.set('gpt-4.1-mini', await startFakeOpenAI({ apiKey: 'sk-fake-openai-responses' }));
    fakes.set('claude-haiku-4-5', await startFakeAnthropic({ apiKey: 'sk-ant-fake' }));
    fakes.set('gemini-2.5-flash', await startFakeGemini({ apiKey: 'AIza-fake-gemini' }));
    fakes.set('deepseek-chat', await startFakeOpenAI({ apiKey: 'sk-fake-deepseek' }));
    fakes.set('command-r-plus', await startFakeCohere({ apiKey: 'co-fake-cohere' }));
    fakes.set('llama-3-8b', await startFakeReplicate({ apiKey: 'r8_fake_replicate' }));
    fakes.set('llama3.2', await startFakeOllama({ apiKey: 'ollama-fake-key' }));
    fakes.set('glm-4-plus', await startFakeZhipu({ apiKey: 'matrixzhipuid.matrixZhipuSecret' }));
    fakes.set('qwen-plus', await startFakeAli({ apiKey: 'sk-fake-dashscope' }));
    fakes.set('amazon.nova-lite-v1:0', await startFakeBedrock());
    fakes.set('us.anthropic.claude-haiku-4-5-20251001-v1:0', await startFakeBedrock());
    fakes.set('vertex-gemini-2.5-flash', await startFakeVertex({ location: 'global' }));
    fakes.set('vertex-claude-haiku-4-5', await startFakeVertex({ location: 'us-east5' }));
    fakes.set(
      'azure-gpt-4.1-mini',
      await startFakeAzureOpenAI({ apiKey: 'azure-fake-key-chat', apiVersion: '2024-10-21' }),
    );
    fakes.set('azure-gpt-5-mini', await startFakeAzureOpenAI({ apiKey: 'azure-fake-key-responses' }));
    t = await startTestApp();
    const root = await t.login('root', '123456');
    for (const c of COLUMNS) {
      channelIds.set(
        c.model,
        await createChannel(root, {
          type: c.channelType,
          name: `matrix ${c.model}`,
          key: c.channelKey,
          base_url: fakes.get(c.model)!.url,
          models: c.model,
          model_mapping: c.upstreamModel === c.model ? '' : JSON.stringify({ [c.model]: c.upstreamModel }),
          ...(c.config ? { config: JSON.stringify(channelConfig(c, fakes.get(c.model)!)) } : {}),
        } as ChannelInput),
      );
    }
    apiToken = (await createKey(root, { name: 'matrix', unlimited_quota: true })).key;
  });

  afterAll(async () => {
    if (cells.length > 0) {
      const models = COLUMNS.map((c) => c.model);
      const table = formatMatrix({
        models,
        variants: [...MATRIX_VARIANTS],
        cells,
        totals: matrixTotals(cells),
      });
      process.stdout.write(`\n${table}\n`);
    }
    await t?.close();
    await Promise.all([...fakes.values()].map((f) => f.close()));
  });

  beforeEach(() => {
    for (const f of fakes.values()) f.clear();
  });

  for (const variant of MATRIX_VARIANTS) {
    describe(variant.header, () => {
      for (const column of COLUMNS) {
        it(column.model, async () => {
          const cell = await runCell(
            { apiBase: t.url, apiToken, models: [], timeoutMs: 20_000, transientTries: 1 },
            column.model,
            variant,
          );
          cells.push(cell);
          try {
            await checkCell(column, variant, cell);
          } catch (error) {
            // the printed table shows what the strict checks found, not only the seed's PASS rule
            if (cell.status === 'PASS') {
              cell.status = 'FAIL';
              cell.reason = `strict check: ${failureSummary(error)}`;
            }
            throw error;
          }
        });
      }
    });
  }

  async function checkCell(column: MatrixColumn, variant: MatrixVariant, cell: CellResult): Promise<void> {
    // the seed's PASS rule, on the first attempt (no fallback body needed)
    expect({ status: cell.status, reason: cell.reason, attempt: cell.attempt }).toEqual({
      status: 'PASS',
      reason: undefined,
      attempt: 1,
    });
    checkReply(variant, cell);

    // exactly one native request, to this column's fake only
    const fake = fakes.get(column.model)!;
    for (const [model, other] of fakes)
      if (other !== fake) expect([model, nativeRequests(other)]).toEqual([model, []]);
    expect(nativeRequests(fake)).toHaveLength(1);
    const sent = nativeRequests(fake)[0];
    // a streamed Replicate prediction is followed on its stream URL, then read once for its token counts
    const followUps = fake.requests.filter((r) => r.method === 'GET').map((r) => r.path.split('/')[2]);
    expect(followUps).toEqual(
      column.protocol === 'replicate' && variant.stream ? ['streams', 'predictions'] : [],
    );
    checkNativeRequest(variant, cell, sent, column);

    // one consume log, billed from the provider's usage; the caller saw the same numbers
    await settled(t);
    const requestId = cell.headers['x-oneapi-request-id'];
    expect(requestId).toMatch(/\S/);
    const logs = await t.dataSource.getRepository(Log).find({ where: { requestId } });
    expect(logs).toHaveLength(1);
    const [log] = logs;
    const usage = providerUsage(column, sent);
    expect({
      type: log.type,
      channel: Number(log.channelId),
      model: log.modelName,
      stream: Boolean(log.isStream),
      prompt: Number(log.promptTokens),
      completion: Number(log.completionTokens),
    }).toEqual({
      type: 2,
      channel: channelIds.get(column.model),
      model: column.upstreamModel,
      stream: variant.stream,
      prompt: usage.prompt,
      completion: usage.completion,
    });
    expect(Number(log.quota)).toBeGreaterThan(0);
    const shown = replyUsage(variant, cell);
    if (shown) expect(shown).toEqual(usage);
    else expect(variant.format === 'chat' && variant.stream).toBe(true); // chat streams show usage on request only
  }
});
