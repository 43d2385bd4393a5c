import { createHmac } from 'node:crypto';
import type { CanonicalRequest, StreamEvent, UpstreamChannel, UpstreamIo } from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { zhipuAdapter } from './adapter';
import { signZhipuToken, ZHIPU_TOKEN_TTL_MS } from './jwt';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const KEY = 'a1b2c3d4e5f6.SeCrEtPaRt';
const channel: UpstreamChannel = { type: 16, baseUrl: '', key: KEY, config: {} };

function request(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: 'glm-4-plus',
    system: [{ type: 'text', text: '你是一个乐于解答各种问题的助手。' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: '你好，请介绍一下你自己' }] }],
    sampling: { maxTokens: 256, temperature: 0.6 },
    stream: true,
    ...overrides,
  };
}

function io(now: number, cache = new Map<string, unknown>()): UpstreamIo {
  return {
    send: () => Promise.reject(new Error('Zhipu signs locally and must not call out')),
    signal: new AbortController().signal,
    now: () => now,
    cache,
  };
}

function decodeJwt(token: string) {
  const [h, c, s] = token.split('.');
  const part = (text: string) =>
    JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: part(h), claims: part(c), signature: s, signed: `${h}.${c}` };
}

describe('Zhipu (channel type 16)', () => {
  it('is served by the Zhipu adapter (OpenAI wire format with JWT auth)', () => {
    expect(adapterForChannelType(16)).toBe(zhipuAdapter);
    expect(zhipuAdapter.format).toBe('openai-chat');
  });

  it('builds the v4 chat request of the fixture', () => {
    const http = zhipuAdapter.buildRequest(request(), channel);
    expect(http.url).toBe('https://open.bigmodel.cn/api/paas/v4/chat/completions');
    expect(JSON.parse(http.body)).toEqual(fixtureJson('chat-request.json'));
  });

  it('signs an HS256 JWT with sign_type SIGN and millisecond claims, sent raw (no Bearer)', async () => {
    const now = 1_740_554_552_123;
    const built = zhipuAdapter.buildRequest(request(), channel);
    const http = await zhipuAdapter.authorize!(built, channel, io(now));
    const auth = http.headers.Authorization;
    expect(auth).not.toMatch(/^Bearer /);
    expect(Object.keys(http.headers).filter((h) => h.toLowerCase() === 'authorization')).toHaveLength(1);
    const jwt = decodeJwt(auth);
    expect(jwt.header).toEqual({ alg: 'HS256', sign_type: 'SIGN' });
    expect(jwt.claims).toEqual({ api_key: 'a1b2c3d4e5f6', exp: now + ZHIPU_TOKEN_TTL_MS, timestamp: now });
    const expected = createHmac('sha256', 'SeCrEtPaRt').update(jwt.signed).digest('base64url');
    expect(jwt.signature).toBe(expected);
  });

  it('replaces the passthrough Bearer header whatever its case', async () => {
    const http = await zhipuAdapter.authorize!(
      {
        url: 'u',
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, accept: 'x' },
        body: '{}',
        warnings: [],
      },
      channel,
      io(1_000_000_000_000),
    );
    expect(http.headers.authorization).toBeUndefined();
    expect(http.headers.Authorization).toBe(signZhipuToken(KEY, 1_000_000_000_000).token);
    expect(http.headers.accept).toBe('x');
  });

  it('reuses the cached token until 5 minutes before it expires, then signs a new one', async () => {
    const cache = new Map<string, unknown>();
    const t0 = 1_740_000_000_000;
    const built = zhipuAdapter.buildRequest(request(), channel);
    const first = (await zhipuAdapter.authorize!(built, channel, io(t0, cache))).headers.Authorization;
    const later = (await zhipuAdapter.authorize!(built, channel, io(t0 + 50 * 60_000, cache))).headers
      .Authorization;
    expect(later).toBe(first);
    const renewed = (await zhipuAdapter.authorize!(built, channel, io(t0 + 56 * 60_000, cache))).headers
      .Authorization;
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed).claims.timestamp).toBe(t0 + 56 * 60_000);
  });

  it('refuses a key that is not id.secret as a channel problem (another channel may serve)', async () => {
    const bad = { ...channel, key: 'no-dot-here' };
    await expect(
      zhipuAdapter.authorize!(zhipuAdapter.buildRequest(request(), bad), bad, io(1)),
    ).rejects.toMatchObject({
      status: 502,
      retryable: true,
    });
  });

  it('parses the documented response (request_id, usage)', () => {
    const response = zhipuAdapter.parseResponse(fixtureJson('chat-response.json'));
    expect(response.content).toEqual([
      { type: 'text', text: '你好！我是智谱清言，由智谱 AI 开发的语言模型。' },
    ]);
    expect(response.finishReason).toEqual({ reason: 'stop', raw: 'stop' });
    expect(response.usage).toMatchObject({ inputTokens: 19, outputTokens: 17, totalTokens: 36 });
  });

  it('decodes the documented stream, usage on the finish chunk', () => {
    const decoder = zhipuAdapter.createStreamDecoder();
    const events: StreamEvent[] = [...decoder.push(fixtureText('chat-stream.txt')), ...decoder.end()];
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(text).toBe('你好！我是智谱清言。');
    expect(events.find((e) => e.type === 'usage')).toMatchObject({
      usage: { inputTokens: 19, outputTokens: 9 },
    });
    expect(events.find((e) => e.type === 'finish')).toMatchObject({ reason: 'stop' });
    expect(events.some((e) => e.type === 'error')).toBe(false);
  });

  it('maps Zhipu errors: 401 → auth, 429 → rate limit', () => {
    expect(zhipuAdapter.parseError(401, fixtureText('error-401-auth.json'))).toMatchObject({
      kind: 'auth',
      message: '身份验证失败。',
    });
    expect(zhipuAdapter.parseError(429, fixtureText('error-429-concurrency.json'))).toMatchObject({
      kind: 'rate-limit',
      retryable: true,
    });
  });
});
