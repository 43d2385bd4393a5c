import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const GITHUB_TOKEN = 'gho_fakeGithubOAuthToken';
const COPILOT_TOKEN = 'tid=fake;exp=9999999999;sku=copilot_for_individual:0123abcd';

/** GitHub's copilot_internal/v2/token endpoint: answers the Copilot token for the right GitHub token only. */
async function startTokenServer() {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.method !== 'GET' || req.headers.authorization !== `token ${GITHUB_TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token: COPILOT_TOKEN,
        expires_at: Math.floor(Date.now() / 1000) + 1800,
        refresh_in: 1500,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/copilot_internal/v2/token`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('GitHub Copilot channel (type 53): token exchange, then the OpenAI chat API', () => {
  let t: TestApp;
  let api: FakeProvider;
  let tokens: Awaited<ReturnType<typeof startTokenServer>>;
  let root: Agent;
  let client: OpenAI;

  beforeAll(async () => {
    api = await startFakeOpenAI({ apiKey: COPILOT_TOKEN });
    tokens = await startTokenServer();
    t = await startTestApp();
    root = await t.login('root', '123456');
    // Copilot's API has no /v1: the fake OpenAI's /v1 is part of this channel's base URL.
    await createChannel(root, {
      type: 53,
      name: 'copilot',
      key: GITHUB_TOKEN,
      base_url: `${api.url}/v1`,
      models: 'gpt-4o',
      config: JSON.stringify({ token_url: tokens.url }),
    });
    const key = await createKey(root, { name: 'copilot', remain_quota: 50_000_000 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await api?.close();
    await tokens?.close();
  });

  it('exchanges the GitHub token once and sends the Copilot token with the editor headers (passthrough and converted)', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hello copilot' }],
    });
    expect(completion.choices[0].message.content).toContain('hello copilot');
    const response = await client.responses.create({ model: 'gpt-4o', input: 'responses via copilot' });
    expect(response.output_text).toContain('responses via copilot');
    expect(tokens.seen).toHaveLength(1);
    expect(tokens.seen[0]['editor-version']).toBeTruthy();
    for (const sent of api.requests) {
      expect(sent.path).toBe('/v1/chat/completions');
      expect(sent.headers.authorization).toBe(`Bearer ${COPILOT_TOKEN}`);
      expect(sent.headers['copilot-integration-id']).toBe('vscode-chat');
      expect(sent.headers['editor-version']).toBeTruthy();
    }
    expect(api.requests).toHaveLength(2);
  });
});
