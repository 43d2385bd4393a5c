import type { CanonicalRequest } from '@one-api/llm-core';
import { adapterForChannel } from '../registry';
import { buildOpenAiResponsesRequest } from '../openai-responses/build-request';
import {
  AZURE_DEFAULT_API_VERSION,
  azureAcceptsStreamOptions,
  azureApiVersion,
  prefersAzureResponses,
} from './azure-url';
import { buildOpenAiChatRequest } from './build-request';
import { upstreamUrl } from './upstream-url';
import { acceptsStreamOptions, vendorAuthHeaders } from './vendors';

const BASE = 'https://contoso.openai.azure.com';

describe('Azure OpenAI URLs (channel type 3)', () => {
  it.each([
    ['/v1/chat/completions', 'gpt-4o-mini', `${BASE}/openai/deployments/gpt-4o-mini/chat/completions`],
    ['/v1/chat/completions', 'gpt-3.5-turbo', `${BASE}/openai/deployments/gpt-35-turbo/chat/completions`],
    [
      '/v1/completions',
      'gpt-35-turbo-instruct',
      `${BASE}/openai/deployments/gpt-35-turbo-instruct/completions`,
    ],
    [
      '/v1/embeddings',
      'text-embedding-3-small',
      `${BASE}/openai/deployments/text-embedding-3-small/embeddings`,
    ],
    ['/v1/images/generations', 'dall-e-3', `${BASE}/openai/deployments/dall-e-3/images/generations`],
    ['/v1/audio/transcriptions', 'whisper', `${BASE}/openai/deployments/whisper/audio/transcriptions`],
    ['/v1/audio/speech', 'tts-1-hd', `${BASE}/openai/deployments/tts-1-hd/audio/speech`],
  ])('%s for %s → the deployment URL with the api-version', (path, model, url) => {
    expect(upstreamUrl(3, `${BASE}/`, path, { model, config: { api_version: '2024-10-21' } })).toBe(
      `${url}?api-version=2024-10-21`,
    );
  });

  it('takes the api-version from config, else the legacy other column, else the UI default', () => {
    expect(azureApiVersion({ api_version: '2025-01-01-preview' }, '2024-02-01')).toBe('2025-01-01-preview');
    expect(azureApiVersion({}, '2024-02-01')).toBe('2024-02-01');
    expect(azureApiVersion({}, '')).toBe(AZURE_DEFAULT_API_VERSION);
    expect(upstreamUrl(3, BASE, '/v1/embeddings', { model: 'ada', other: '2024-02-01' })).toBe(
      `${BASE}/openai/deployments/ada/embeddings?api-version=2024-02-01`,
    );
  });

  it('sends the Responses API to the v1 surface (the deployment goes in the body)', () => {
    expect(upstreamUrl(3, BASE, '/v1/responses', { model: 'gpt-5-mini' })).toBe(
      `${BASE}/openai/v1/responses`,
    );
    expect(upstreamUrl(3, `${BASE}/openai`, '/v1/responses/resp_1')).toBe(
      `${BASE}/openai/v1/responses/resp_1`,
    );
  });

  it('needs a model to name the deployment', () => {
    expect(() => upstreamUrl(3, BASE, '/v1/chat/completions')).toThrow(/a model is required/);
  });

  it('puts the key in api-key, never in Authorization', () => {
    expect(vendorAuthHeaders(3, 'azure-key')).toEqual({ 'api-key': 'azure-key' });
    expect(vendorAuthHeaders(1, 'sk-x')).toEqual({ Authorization: 'Bearer sk-x' });
    const request: CanonicalRequest = {
      model: 'gpt-4.1-mini',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      sampling: {},
      stream: false,
    };
    const channel = { type: 3, baseUrl: BASE, key: 'azure-key', config: {}, other: '2024-06-01' };
    const chat = buildOpenAiChatRequest(request, channel);
    expect(chat.url).toBe(`${BASE}/openai/deployments/gpt-41-mini/chat/completions?api-version=2024-06-01`);
    expect(chat.headers).toEqual({ 'Content-Type': 'application/json', 'api-key': 'azure-key' });
    const responses = buildOpenAiResponsesRequest({ ...request, model: 'gpt-5-mini' }, channel);
    expect(responses.url).toBe(`${BASE}/openai/v1/responses`);
    expect(responses.headers['api-key']).toBe('azure-key');
    expect(responses.headers.Authorization).toBeUndefined();
  });

  it('serves GPT-5-family models through Responses, the rest through Chat', () => {
    expect(prefersAzureResponses('gpt-5-mini')).toBe(true);
    expect(prefersAzureResponses('gpt-4o')).toBe(false);
    expect(adapterForChannel(3, {}, 'gpt-5-nano')?.format).toBe('openai-responses');
    expect(adapterForChannel(3, {}, 'gpt-4o-mini')?.format).toBe('openai-chat');
    expect(adapterForChannel(3, {})?.format).toBe('openai-chat');
  });

  describe('stream_options (accepted from api-version 2024-09-01-preview on)', () => {
    it.each([
      ['2024-03-01-preview', false],
      ['2024-06-01', false],
      ['2024-08-01-preview', false],
      ['2024-09-01-preview', true],
      ['2024-10-21', true],
      ['2025-04-01-preview', true],
      ['preview', true],
      ['latest', true],
    ])('%s → %s', (version, accepted) => {
      expect(azureAcceptsStreamOptions(version)).toBe(accepted);
    });

    it("reads the channel's version (config, other, else the UI default, which refuses them)", () => {
      expect(acceptsStreamOptions(3)).toBe(false);
      expect(acceptsStreamOptions(3, { config: { api_version: '2024-10-21' } })).toBe(true);
      expect(acceptsStreamOptions(3, { other: '2024-09-01-preview' })).toBe(true);
      expect(
        acceptsStreamOptions(3, { config: { api_version: '2024-05-01-preview' }, other: '2024-10-21' }),
      ).toBe(false);
      expect(acceptsStreamOptions(1)).toBe(true);
      expect(acceptsStreamOptions(50, { config: { api_version: '2024-03-01-preview' } })).toBe(true);
    });

    const streamed = (includeUsage?: boolean): CanonicalRequest => ({
      model: 'gpt-4o-mini',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      sampling: {},
      stream: true,
      ...(includeUsage !== undefined ? { includeUsage } : {}),
    });
    const bodyFor = (request: CanonicalRequest, config: Record<string, unknown>, type = 3) =>
      JSON.parse(buildOpenAiChatRequest(request, { type, baseUrl: BASE, key: 'k', config }).body) as Record<
        string,
        unknown
      >;

    it('sends no stream_options to older versions, even when the caller asked for usage', () => {
      for (const config of [
        {},
        { api_version: '2024-03-01-preview' },
        { api_version: '2024-08-01-preview' },
      ]) {
        const body = bodyFor(streamed(true), config);
        expect(body.stream).toBe(true);
        expect(body).not.toHaveProperty('stream_options');
      }
    });

    it('asks newer versions (and every other vendor) for stream usage', () => {
      expect(bodyFor(streamed(), { api_version: '2024-10-21' }).stream_options).toEqual({
        include_usage: true,
      });
      expect(bodyFor(streamed(), { api_version: '2024-03-01-preview' }, 1).stream_options).toEqual({
        include_usage: true,
      });
    });
  });
});
