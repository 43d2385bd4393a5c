import { createHash, createHmac } from 'node:crypto';
import type { CanonicalRequest, StreamEvent, UpstreamChannel, UpstreamIo } from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { tencentAdapter } from './adapter';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const channel: UpstreamChannel = {
  type: 23,
  baseUrl: '',
  key: '1300000000|AKIDexampleSecretId|exampleSecretKey',
  config: { region: 'ap-guangzhou' },
};

const request: CanonicalRequest = {
  model: 'hunyuan-pro',
  system: [{ type: 'text', text: '你是腾讯混元大模型' }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: '你好' }] },
    { role: 'assistant', content: [{ type: 'text', text: '你好！有什么可以帮你的吗？' }] },
    { role: 'user', content: [{ type: 'text', text: '介绍一下你自己' }] },
  ],
  sampling: { temperature: 0.5, topP: 0.9 },
  stream: true,
};

function io(nowMs: number): UpstreamIo {
  return {
    send: () => Promise.reject(new Error('signing needs no I/O')),
    signal: new AbortController().signal,
    now: () => nowMs,
    cache: new Map(),
  };
}

/** The signature recomputed step by step as Tencent's v3 signing guide lays it out. */
function expectedSignature(body: string, timestamp: number, host: string): string {
  const hex = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonical = `POST\n/\n\ncontent-type:application/json\nhost:${host}\n\ncontent-type;host\n${hex(body)}`;
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/hunyuan/tc3_request\n${hex(canonical)}`;
  let key: Buffer = createHmac('sha256', 'TC3exampleSecretKey').update(date).digest();
  key = createHmac('sha256', key).update('hunyuan').digest();
  key = createHmac('sha256', key).update('tc3_request').digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('Tencent Hunyuan (channel type 23)', () => {
  it('is served by its native adapter with its own wire format', () => {
    expect(adapterForChannelType(23)).toBe(tencentAdapter);
    expect(tencentAdapter.format).toBe('tencent-hunyuan');
  });

  it('builds the ChatCompletions body of the fixture with the action, version and region headers', () => {
    const http = tencentAdapter.buildRequest(request, channel);
    expect(http.url).toBe('https://hunyuan.tencentcloudapi.com/');
    expect(http.headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-TC-Action': 'ChatCompletions',
      'X-TC-Version': '2023-09-01',
      'X-TC-Region': 'ap-guangzhou',
    });
    expect(JSON.parse(http.body)).toEqual(fixtureJson('chat-request.json'));
  });

  it('signs host and body with TC3-HMAC-SHA256 at the attempt time', async () => {
    const now = 1_716_366_815_999;
    const built = tencentAdapter.buildRequest(request, channel);
    const signed = await tencentAdapter.authorize!(built, channel, io(now));
    expect(signed.headers['X-TC-Timestamp']).toBe('1716366815');
    expect(signed.headers.Authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDexampleSecretId/2024-05-22/hunyuan/tc3_request, ' +
        `SignedHeaders=content-type;host, Signature=${expectedSignature(built.body, 1716366815, 'hunyuan.tencentcloudapi.com')}`,
    );
    expect(signed.body).toBe(built.body);
  });

  it('signs the host of a custom base URL (port included)', async () => {
    const custom = { ...channel, baseUrl: 'http://127.0.0.1:8123' };
    const built = tencentAdapter.buildRequest(request, custom);
    const signed = await tencentAdapter.authorize!(built, custom, io(1_716_366_815_000));
    expect(signed.headers.Authorization).toContain(
      expectedSignature(built.body, 1716366815, '127.0.0.1:8123'),
    );
  });

  it('refuses a key without three parts as a channel problem', async () => {
    const bad = { ...channel, key: 'only|two' };
    await expect(
      tencentAdapter.authorize!(tencentAdapter.buildRequest(request, bad), bad, io(0)),
    ).rejects.toMatchObject({
      status: 502,
      retryable: true,
    });
  });

  it('parses the documented response', () => {
    const response = tencentAdapter.parseResponse(fixtureJson('chat-response.json'));
    expect(response.content).toEqual([{ type: 'text', text: '我是腾讯混元大模型，由腾讯公司研发。' }]);
    expect(response.finishReason).toEqual({ reason: 'stop', raw: 'stop' });
    expect(response.usage).toMatchObject({ inputTokens: 25, outputTokens: 13, totalTokens: 38 });
  });

  it('decodes the documented stream', () => {
    const decoder = tencentAdapter.createStreamDecoder();
    const raw = fixtureText('chat-stream.txt');
    const events: StreamEvent[] = [
      ...decoder.push(raw.slice(0, 120)),
      ...decoder.push(raw.slice(120)),
      ...decoder.end(),
    ];
    expect(events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('')).toBe(
      '我是腾讯混元大模型。',
    );
    expect(events.find((e) => e.type === 'usage')).toMatchObject({
      usage: { inputTokens: 25, outputTokens: 7 },
    });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop', raw: 'stop' });
  });

  it('sends tools (schema as a string), tool calls and tool results as in the fixture', () => {
    const http = tencentAdapter.buildRequest(
      {
        model: 'hunyuan-pro',
        system: [],
        messages: [
          { role: 'user', content: [{ type: 'text', text: '北京今天天气怎么样？' }] },
          {
            role: 'assistant',
            content: [
              {
                type: 'tool-call',
                id: 'call_cp0r3tq9pfv0',
                name: 'get_weather',
                arguments: '{"city":"北京"}',
              },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'call_cp0r3tq9pfv0',
                content: [{ type: 'text', text: '{"weather":"晴","temperature":25}' }],
              },
            ],
          },
        ],
        tools: [
          {
            name: 'get_weather',
            description: '获取指定城市的天气',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        ],
        toolChoice: 'auto',
        sampling: {},
        stream: false,
      },
      channel,
    );
    expect(JSON.parse(http.body)).toEqual(fixtureJson('chat-request-tools.json'));
  });

  it('parses a tool call, whole and streamed', () => {
    const response = tencentAdapter.parseResponse(fixtureJson('chat-response-tool-call.json'));
    expect(response.content).toEqual([
      { type: 'tool-call', id: 'call_cp0r3tq9pfv0', name: 'get_weather', arguments: '{"city":"北京"}' },
    ]);
    expect(response.finishReason).toEqual({ reason: 'tool_calls', raw: 'tool_calls' });
    const decoder = tencentAdapter.createStreamDecoder();
    const events = [...decoder.push(fixtureText('chat-stream-tool-call.txt')), ...decoder.end()];
    expect(events.filter((e) => e.type.startsWith('tool-call'))).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_cp0r3tq9pfv0', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"北京"}' },
      { type: 'tool-call-end', index: 0 },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'tool_calls' });
  });

  it('maps errors: a signature failure is the channel’s, LimitExceeded a rate limit, also as a non-SSE stream answer', () => {
    expect(() => tencentAdapter.parseResponse(fixtureJson('error-auth-signature.json'))).toThrow(
      expect.objectContaining({
        kind: 'upstream',
        status: 502,
        providerCode: 'AuthFailure.SignatureFailure',
      }),
    );
    expect(tencentAdapter.parseError(429, fixtureText('error-rate-limit.json'))).toMatchObject({
      kind: 'rate-limit',
    });
    const decoder = tencentAdapter.createStreamDecoder();
    const events = [...decoder.push(fixtureText('error-rate-limit.json')), ...decoder.end()];
    expect(events).toEqual([{ type: 'error', error: expect.objectContaining({ kind: 'rate-limit' }) }]);
  });
});
