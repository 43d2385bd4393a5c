import type { CanonicalRequest, UpstreamChannel } from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { aiProxyLibraryAdapter } from './adapter';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const channel: UpstreamChannel = {
  type: 21,
  baseUrl: '',
  key: 'ap-key',
  config: { library_id: 'lib_8f2c1a' },
};
const request: CanonicalRequest = {
  model: 'gpt-3.5-turbo',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'How do I reset my password?' }] }],
  sampling: {},
  stream: false,
};

describe('AIProxy Library (channel type 21)', () => {
  it('asks the configured library (config.library_id, else other)', () => {
    expect(adapterForChannelType(21)).toBe(aiProxyLibraryAdapter);
    const http = aiProxyLibraryAdapter.buildRequest(request, channel);
    expect(http.url).toBe('https://api.aiproxy.io/api/library/ask');
    expect(http.headers.Authorization).toBe('Bearer ap-key');
    expect(JSON.parse(http.body)).toEqual(fixtureJson('ask-request.json'));
    const legacy = aiProxyLibraryAdapter.buildRequest(request, { ...channel, config: {}, other: 'lib_old' });
    expect(JSON.parse(legacy.body).libraryId).toBe('lib_old');
    expect(() => aiProxyLibraryAdapter.buildRequest(request, { ...channel, config: {} })).toThrow(
      /library_id/,
    );
  });

  it('answers with the cited documents appended', () => {
    const response = aiProxyLibraryAdapter.parseResponse(fixtureJson('ask-response.json'));
    expect(response.content).toEqual([
      {
        type: 'text',
        text: 'Open Settings, choose Security and click Reset password.\n\nSources:\n- [Account security FAQ](https://docs.example.com/security)',
      },
    ]);
    expect(() => aiProxyLibraryAdapter.parseResponse(fixtureJson('ask-error.json'))).toThrow(
      'library not found',
    );
  });

  it('decodes the stream, documents with the last event', () => {
    const decoder = aiProxyLibraryAdapter.createStreamDecoder();
    const events = [...decoder.push(fixtureText('ask-stream.txt')), ...decoder.end()];
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(text).toBe(
      'Open Settings, choose Security.\n\nSources:\n- [Account security FAQ](https://docs.example.com/security)',
    );
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
  });

  it('maps HTTP errors', () => {
    expect(aiProxyLibraryAdapter.parseError(401, fixtureText('ask-error.json'))).toMatchObject({
      kind: 'auth',
      message: 'library not found',
    });
    expect(aiProxyLibraryAdapter.parseError(503, '')).toMatchObject({ kind: 'overloaded' });
  });
});
