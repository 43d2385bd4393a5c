import type { CanonicalRequest, UpstreamChannel } from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { deeplAdapter } from './adapter';
import { deeplTargetLang } from './build-request';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const channel: UpstreamChannel = {
  type: 38,
  baseUrl: '',
  key: 'f63c02c5-f056-4b1e-8b6c-1b2f1d0e2a3b:fx',
  config: {},
};

function request(model = 'deepl-zh', stream = false): CanonicalRequest {
  return {
    model,
    system: [],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'ignored earlier turn' }] },
      { role: 'assistant', content: [{ type: 'text', text: '...' }] },
      { role: 'user', content: [{ type: 'text', text: 'Hello, world!' }] },
    ],
    sampling: {},
    stream,
  };
}

describe('DeepL (channel type 38)', () => {
  it('is served by its native adapter', () => {
    expect(adapterForChannelType(38)).toBe(deeplAdapter);
    expect(deeplAdapter.format).toBe('deepl');
  });

  it('reads the target language from the model name', () => {
    expect(deeplTargetLang('deepl-zh')).toBe('ZH');
    expect(deeplTargetLang('deepl-ja')).toBe('JA');
    expect(deeplTargetLang('deepl-en-gb')).toBe('EN-GB');
    expect(() => deeplTargetLang('deepl')).toThrow(expect.objectContaining({ kind: 'invalid-request' }));
  });

  it('translates the last user message (the fixture request), with the DeepL-Auth-Key header', () => {
    const http = deeplAdapter.buildRequest(request(), channel);
    expect(http.url).toBe('https://api-free.deepl.com/v2/translate');
    expect(http.headers.Authorization).toBe('DeepL-Auth-Key f63c02c5-f056-4b1e-8b6c-1b2f1d0e2a3b:fx');
    expect(JSON.parse(http.body)).toEqual(fixtureJson('translate-request.json'));
    expect(http.warnings).toEqual([
      'only the last user message was translated: DeepL has no conversation or instructions',
    ]);
  });

  it('answers with the translation as the assistant message', () => {
    const response = deeplAdapter.parseResponse(fixtureJson('translate-response.json'));
    expect(response.content).toEqual([{ type: 'text', text: '你好，世界！' }]);
    expect(response.finishReason.reason).toBe('stop');
    expect(response.usage).toBeUndefined();
  });

  it('replays the answer as one delta to a streaming caller, split anywhere', () => {
    const decoder = deeplAdapter.createStreamDecoder();
    const bytes = Buffer.from(fixtureText('translate-response.json'));
    const events = [
      ...decoder.push(bytes.subarray(0, 50)),
      ...decoder.push(bytes.subarray(50)),
      ...decoder.end(),
    ];
    expect(events.map((e) => e.type)).toEqual(['response-start', 'text-delta', 'finish']);
    expect(events[1]).toEqual({ type: 'text-delta', text: '你好，世界！' });
  });

  it('maps errors: 403 → auth, 456 quota → channel problem, 400 → invalid request', () => {
    expect(deeplAdapter.parseError(403, fixtureText('error-403-forbidden.json'))).toMatchObject({
      kind: 'auth',
    });
    expect(deeplAdapter.parseError(456, fixtureText('error-456-quota.json'))).toMatchObject({
      kind: 'upstream',
      retryable: true,
      message: 'Quota Exceeded',
    });
    expect(deeplAdapter.parseError(400, fixtureText('error-400-bad-request.json'))).toMatchObject({
      kind: 'invalid-request',
    });
  });
});
