import { createHmac } from 'node:crypto';
import type { CanonicalRequest, UpstreamChannel } from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { xunfeiAdapter } from './adapter';
import { sparkAuthUrl } from './auth-url';
import { sparkDomain, sparkPath, sparkVersion } from './versions';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const channel: UpstreamChannel = { type: 18, baseUrl: '', key: '12345678|theSecret|theKey', config: {} };
const request: CanonicalRequest = {
  model: 'SparkDesk-v3.5',
  system: [{ type: 'text', text: '你现在扮演李白' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: '你是谁' }] }],
  sampling: { temperature: 0.5, maxTokens: 1024 },
  stream: false,
};

const frames = () =>
  fixtureText('response-frames.txt')
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as unknown);

describe('Xunfei Spark v1 (channel type 18)', () => {
  it('is served over a WebSocket exchange', () => {
    expect(adapterForChannelType(18)).toBe(xunfeiAdapter);
    expect(typeof xunfeiAdapter.exchange).toBe('function');
  });

  it('picks the version from config, other or the model name, and its domain and path', () => {
    expect(sparkVersion('SparkDesk-v3.5', {})).toBe('v3.5');
    expect(sparkVersion('SparkDesk-v3.5', { api_version: 'v4.0' })).toBe('v4.0');
    expect(sparkVersion('anything', {}, 'v2.1')).toBe('v2.1');
    expect(sparkVersion('anything', {})).toBe('v1.1');
    expect([sparkDomain('v1.1'), sparkDomain('v3.5'), sparkDomain('v4.0')]).toEqual([
      'lite',
      'generalv3.5',
      '4.0Ultra',
    ]);
    expect([sparkPath('v3.5'), sparkPath('pro-128k')]).toEqual(['/v3.5/chat', '/chat/pro-128k']);
  });

  it('builds the request frame of the fixture for wss://spark-api.xf-yun.com/v3.5/chat', () => {
    const http = xunfeiAdapter.buildRequest(request, channel);
    expect(http.url).toBe('wss://spark-api.xf-yun.com/v3.5/chat');
    expect(JSON.parse(http.body)).toEqual(fixtureJson('request-frame.json'));
  });

  it('signs the URL: HMAC-SHA256 over host, date and request line, base64 authorization', () => {
    const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const url = new URL(sparkAuthUrl('wss://spark-api.xf-yun.com/v3.5/chat', 'theKey', 'theSecret', date));
    expect(url.searchParams.get('date')).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(url.searchParams.get('host')).toBe('spark-api.xf-yun.com');
    const signature = createHmac('sha256', 'theSecret')
      .update('host: spark-api.xf-yun.com\ndate: Tue, 02 Jan 2024 03:04:05 GMT\nGET /v3.5/chat HTTP/1.1')
      .digest('base64');
    expect(Buffer.from(url.searchParams.get('authorization')!, 'base64').toString()).toBe(
      `api_key="theKey", algorithm="hmac-sha256", headers="host date request-line", signature="${signature}"`,
    );
  });

  it('joins the frames of a whole answer, usage from the last', () => {
    const response = xunfeiAdapter.parseResponse(frames());
    expect(response.id).toBe('cht000cb087@dx18793cd421fb894542');
    expect(response.content).toEqual([{ type: 'text', text: '吾乃李白，字太白。' }]);
    expect(response.usage).toMatchObject({ inputTokens: 12, outputTokens: 9 });
    expect(response.finishReason.reason).toBe('stop');
  });

  it('decodes streamed frames', () => {
    const decoder = xunfeiAdapter.createStreamDecoder();
    const events = [...decoder.push(fixtureText('response-frames.txt')), ...decoder.end()];
    expect(events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('')).toBe(
      '吾乃李白，字太白。',
    );
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop', raw: 'stop' });
  });

  it('maps an error frame (content check → invalid request)', () => {
    expect(xunfeiAdapter.parseError(400, fixtureText('error-frame.json'))).toMatchObject({
      kind: 'invalid-request',
      providerCode: '10013',
    });
    expect(() => xunfeiAdapter.parseResponse([fixtureJson('error-frame.json')])).toThrow(
      '输入内容审核不通过',
    );
  });
});
