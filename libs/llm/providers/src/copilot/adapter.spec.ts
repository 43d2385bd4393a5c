import type {
  CanonicalRequest,
  UpstreamChannel,
  UpstreamExchangeResponse,
  UpstreamIo,
} from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { copilotAdapter } from './adapter';
import { fixtureText } from './fixtures/read-fixture';

const channel: UpstreamChannel = { type: 53, baseUrl: '', key: 'gho_githubOAuthToken', config: {} };
const request: CanonicalRequest = {
  model: 'gpt-4o',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  sampling: {},
  stream: false,
};

function tokenIo(status = 200, text = fixtureText('token-response.json')) {
  const calls: Array<{ url: string; method: string; headers: Record<string, string> }> = [];
  let now = 1_732_638_600_000; // 30 minutes before the fixture's expires_at
  const io: UpstreamIo & { advance(ms: number): void } = {
    send: async (call) => {
      calls.push({ url: call.url, method: call.method, headers: call.headers });
      const answer: UpstreamExchangeResponse = {
        statusCode: status,
        headers: {},
        body: Object.assign(
          (async function* () {
            yield* [] as Uint8Array[];
          })(),
          { text: async () => text },
        ),
      };
      return answer;
    },
    signal: new AbortController().signal,
    now: () => now,
    cache: new Map(),
    advance: (ms) => {
      now += ms;
    },
  };
  return { io, calls };
}

describe('GitHub Copilot (channel type 53)', () => {
  it('is the OpenAI wire format with a token exchange, at api.githubcopilot.com/chat/completions', () => {
    expect(adapterForChannelType(53)).toBe(copilotAdapter);
    expect(copilotAdapter.format).toBe('openai-chat');
    expect(copilotAdapter.buildRequest(request, channel).url).toBe(
      'https://api.githubcopilot.com/chat/completions',
    );
  });

  it('exchanges the GitHub token (token <key>) and sends the Copilot token as Bearer with the editor headers', async () => {
    const { io, calls } = tokenIo();
    const http = await copilotAdapter.authorize!(copilotAdapter.buildRequest(request, channel), channel, io);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      url: 'https://api.github.com/copilot_internal/v2/token',
      method: 'GET',
      headers: { Authorization: 'token gho_githubOAuthToken', 'Editor-Version': expect.any(String) },
    });
    expect(http.headers.Authorization).toMatch(
      /^Bearer tid=5f1e2d3c4b5a69788796a5b4c3d2e1f0;exp=1732640400;/,
    );
    expect(http.headers).toMatchObject({
      'Editor-Version': expect.any(String),
      'Editor-Plugin-Version': expect.any(String),
      'Copilot-Integration-Id': 'vscode-chat',
      'User-Agent': expect.any(String),
    });
  });

  it('reuses the token until 2 minutes before expires_at, and takes the token URL from config.token_url', async () => {
    const { io, calls } = tokenIo();
    const custom = { ...channel, config: { token_url: 'http://127.0.0.1:9/token' } };
    const built = copilotAdapter.buildRequest(request, custom);
    await copilotAdapter.authorize!(built, custom, io);
    io.advance(27 * 60 * 1000);
    await copilotAdapter.authorize!(built, custom, io);
    expect(calls).toHaveLength(1);
    io.advance(60 * 1000 + 1);
    await copilotAdapter.authorize!(built, custom, io);
    expect(calls.map((c) => c.url)).toEqual(['http://127.0.0.1:9/token', 'http://127.0.0.1:9/token']);
  });

  it('reports a refused GitHub token as a channel problem', async () => {
    const { io } = tokenIo(401, fixtureText('token-error-401.json'));
    await expect(
      copilotAdapter.authorize!(copilotAdapter.buildRequest(request, channel), channel, io),
    ).rejects.toMatchObject({
      status: 502,
      retryable: true,
      message: expect.stringContaining('Bad credentials'),
    });
  });
});
