import type {
  CanonicalRequest,
  StreamEvent,
  UpstreamChannel,
  UpstreamExchangeResponse,
  UpstreamIo,
} from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { baiduAdapter } from './adapter';
import { ernieChatEndpoint } from './endpoints';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const channel: UpstreamChannel = { type: 15, baseUrl: '', key: 'myAK|mySK', config: {} };

function answer(status: number, text: string): UpstreamExchangeResponse {
  return {
    statusCode: status,
    headers: {},
    body: Object.assign(
      (async function* () {
        yield* [] as Uint8Array[];
      })(),
      { text: async () => text },
    ),
  };
}

/** An io whose token endpoint answers the fixture; records the exchanges. */
function tokenIo(text = fixtureText('token-response.json'), status = 200) {
  const calls: Array<{ url: string; method: string }> = [];
  let now = 1_700_000_000_000;
  const io: UpstreamIo & { advance(ms: number): void } = {
    send: async (call) => {
      calls.push({ url: call.url, method: call.method });
      return answer(status, text);
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

function weatherTurn(): CanonicalRequest {
  return {
    model: 'ERNIE-4.0-8K',
    system: [{ type: 'text', text: '你是一个天气助手' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: '上海今天天气怎么样？' }] },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool-call',
            id: 'call_1',
            name: 'get_current_weather',
            arguments: '{"location":"上海市"}',
          },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_1',
            content: [{ type: 'text', text: '{"temperature":25,"weather":"晴"}' }],
          },
        ],
      },
    ],
    tools: [
      {
        name: 'get_current_weather',
        description: '获得指定地点的天气',
        parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      },
    ],
    sampling: { temperature: 0.8, topP: 0.8, maxTokens: 1024 },
    stream: true,
    extra: { penalty_score: 1.2 },
  };
}

describe('Baidu ERNIE (channel type 15)', () => {
  it('is served by its native adapter with its own wire format', () => {
    expect(adapterForChannelType(15)).toBe(baiduAdapter);
    expect(baiduAdapter.format).toBe('baidu-ernie');
  });

  it('maps models to their wenxinworkshop endpoints', () => {
    expect(ernieChatEndpoint('ERNIE-4.0-8K')).toBe('completions_pro');
    expect(ernieChatEndpoint('ERNIE-3.5-8K')).toBe('completions');
    expect(ernieChatEndpoint('ERNIE-Bot-turbo')).toBe('eb-instant');
    expect(ernieChatEndpoint('ERNIE-Speed-8K')).toBe('ernie_speed');
    expect(ernieChatEndpoint('ERNIE-Speed-128K')).toBe('ernie-speed-128k');
  });

  it('builds the ERNIE chat body of the fixture (system apart, function_call / function turns)', () => {
    const http = baiduAdapter.buildRequest(weatherTurn(), channel);
    expect(http.url).toBe(
      'https://aip.baidubce.com/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions_pro',
    );
    expect(JSON.parse(http.body)).toEqual(fixtureJson('chat-request.json'));
  });

  it('merges consecutive turns of one role so they alternate', () => {
    const http = baiduAdapter.buildRequest(
      {
        model: 'ERNIE-3.5-8K',
        system: [],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'user', content: [{ type: 'text', text: 'b' }] },
          { role: 'system', content: [{ type: 'text', text: 'late rule' }] },
        ],
        sampling: {},
        stream: false,
      },
      channel,
    );
    expect(JSON.parse(http.body)).toEqual({
      messages: [{ role: 'user', content: 'a\nb' }],
      system: 'late rule',
    });
  });

  it('asks for JSON output when the caller wants JSON (the schema itself is dropped with a warning)', () => {
    const http = baiduAdapter.buildRequest(
      { ...weatherTurn(), responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object' } } },
      channel,
    );
    expect(JSON.parse(http.body).response_format).toBe('json_object');
    expect(http.warnings).toContain('the JSON schema was dropped: ERNIE takes response_format json_object');
  });

  it('exchanges AK|SK for an access token once, appends it, and exchanges again within the hour', async () => {
    const { io, calls } = tokenIo();
    const built = baiduAdapter.buildRequest(weatherTurn(), channel);
    const first = await baiduAdapter.authorize!(built, channel, io);
    expect(calls).toEqual([
      {
        method: 'POST',
        url: 'https://aip.baidubce.com/oauth/2.0/token?grant_type=client_credentials&client_id=myAK&client_secret=mySK',
      },
    ]);
    expect(new URL(first.url).searchParams.get('access_token')).toBe(
      '24.6c5e1ff107f0e8bcef8c46d3424a0e78.2592000.1485516651.282335-8574074',
    );
    await baiduAdapter.authorize!(built, channel, io);
    expect(calls).toHaveLength(1);
    io.advance(59 * 60 * 1000); // reused for up to an hour, though it lives 30 days
    await baiduAdapter.authorize!(built, channel, io);
    expect(calls).toHaveLength(1);
    io.advance(60 * 1000 + 1);
    await baiduAdapter.authorize!(built, channel, io);
    expect(calls).toHaveLength(2);
  });

  it('shares one exchange between concurrent requests', async () => {
    const { io, calls } = tokenIo();
    const built = baiduAdapter.buildRequest(weatherTurn(), channel);
    await Promise.all([1, 2, 3].map(() => baiduAdapter.authorize!(built, channel, io)));
    expect(calls).toHaveLength(1);
  });

  it('reports a refused exchange as a channel problem and does not cache it', async () => {
    const { io, calls } = tokenIo(fixtureText('token-error.json'), 401);
    const built = baiduAdapter.buildRequest(weatherTurn(), channel);
    await expect(baiduAdapter.authorize!(built, channel, io)).rejects.toMatchObject({
      status: 502,
      retryable: true,
      message: expect.stringContaining('unknown client id'),
    });
    await expect(baiduAdapter.authorize!(built, channel, io)).rejects.toThrow();
    expect(calls).toHaveLength(2);
    await expect(
      baiduAdapter.authorize!(built, { ...channel, key: 'no-separator' }, io),
    ).rejects.toMatchObject({ message: expect.stringContaining('AK|SK') });
  });

  it('parses a text answer and a function call', () => {
    const text = baiduAdapter.parseResponse(fixtureJson('chat-response.json'));
    expect(text.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('文心一言') });
    expect(text.finishReason).toEqual({ reason: 'stop', raw: 'normal' });
    expect(text.usage).toMatchObject({ inputTokens: 4, outputTokens: 33, totalTokens: 37 });
    const call = baiduAdapter.parseResponse(fixtureJson('chat-response-function-call.json'));
    expect(call.content).toEqual([
      {
        type: 'tool-call',
        id: 'call_as-cxfsbrc1ir',
        name: 'get_current_weather',
        arguments: '{"location":"上海市"}',
      },
    ]);
    expect(call.finishReason.reason).toBe('tool_calls');
  });

  it('decodes the sentence stream with the usage of the last event', () => {
    const decoder = baiduAdapter.createStreamDecoder();
    const raw = fixtureText('chat-stream.txt');
    const events: StreamEvent[] = [
      ...decoder.push(raw.slice(0, 150)),
      ...decoder.push(raw.slice(150)),
      ...decoder.end(),
    ];
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(text).toBe('以下是一些适合自驾游的路线推荐：1. 川藏线：从成都出发，沿着川藏公路一路向西。');
    expect(events.find((e) => e.type === 'usage')).toMatchObject({
      usage: { inputTokens: 8, outputTokens: 35 },
    });
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
  });

  it('maps in-body errors: bad token → channel problem, QPS → rate limit, too long → context length', () => {
    expect(() => baiduAdapter.parseResponse(fixtureJson('error-110-token-invalid.json'))).toThrow(
      expect.objectContaining({ kind: 'upstream', status: 502, retryable: true }),
    );
    expect(baiduAdapter.parseError(200, fixtureText('error-18-qps.json'))).toMatchObject({
      kind: 'rate-limit',
    });
    expect(baiduAdapter.parseError(400, fixtureText('error-336007-too-long.json'))).toMatchObject({
      kind: 'context-length',
    });
    expect(baiduAdapter.parseError(503, 'upstream busy')).toMatchObject({ kind: 'overloaded' });
    const decoder = baiduAdapter.createStreamDecoder();
    const events = [
      ...decoder.push(`data: ${fixtureText('error-18-qps.json').trim()}\n\n`),
      ...decoder.end(),
    ];
    expect(events).toEqual([{ type: 'error', error: expect.objectContaining({ kind: 'rate-limit' }) }]);
  });
});
