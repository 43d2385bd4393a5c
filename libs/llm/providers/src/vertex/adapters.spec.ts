/**
 * The Vertex AI adapters replayed against recorded wire fixtures: the request built (URL per publisher and location,
 * body), answers and streams parsed, both error shapes mapped.
 */
import {
  GatewayError,
  type CanonicalRequest,
  type StreamEvent,
  type UpstreamChannel,
} from '@one-api/llm-core';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';
import { vertexClaudeAdapter } from './claude-adapter';
import { vertexGeminiAdapter } from './gemini-adapter';
import { vertexAdapterFor } from './select';

const SERVICE_ACCOUNT = JSON.stringify({
  type: 'service_account',
  project_id: 'json-project',
  private_key_id: 'k1',
  private_key: '-----BEGIN PRIVATE KEY-----\nnot used to build requests\n-----END PRIVATE KEY-----\n',
  client_email: 'gw@json-project.iam.gserviceaccount.com',
  token_uri: 'https://oauth2.googleapis.com/token',
});

function channel(overrides: Partial<UpstreamChannel> = {}): UpstreamChannel {
  return {
    type: 42,
    baseUrl: '',
    key: '',
    config: { region: 'us-east5', vertex_ai_project_id: 'my-project', vertex_ai_adc: SERVICE_ACCOUNT },
    ...overrides,
  };
}

function request(model: string, stream = false): CanonicalRequest {
  return {
    model,
    system: [{ type: 'text', text: 'Answer in one word.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] }],
    sampling: { temperature: 0.2, maxTokens: 64 },
    stream,
  };
}

function decodeAll(events: (chunk: string) => StreamEvent[], end: () => StreamEvent[], text: string) {
  // split in awkward places: the decoders must not care where chunks end
  const out: StreamEvent[] = [];
  for (let i = 0; i < text.length; i += 37) out.push(...events(text.slice(i, i + 37)));
  out.push(...end());
  return out;
}

describe('Vertex AI: Gemini models', () => {
  it('posts the Gemini body to the publisher model URL of the channel location, without any key header', () => {
    const built = vertexGeminiAdapter.buildRequest(request('gemini-2.5-flash'), channel());
    expect(built.url).toBe(
      'https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent',
    );
    expect(built.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(built.body)).toEqual(fixtureJson('gemini-generate-request.json'));
  });

  it('streams with :streamGenerateContent?alt=sse; the global location has no regional host', () => {
    const built = vertexGeminiAdapter.buildRequest(
      request('gemini-2.5-pro', true),
      channel({ config: { region: 'global', vertex_ai_adc: SERVICE_ACCOUNT } }),
    );
    expect(built.url).toBe(
      'https://aiplatform.googleapis.com/v1/projects/json-project/locations/global/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
  });

  it("takes One API's UI key form region|project|service account, and a base URL override", () => {
    const built = vertexGeminiAdapter.buildRequest(
      request('gemini-2.5-flash'),
      channel({
        config: {},
        key: `europe-west4|key-project|${SERVICE_ACCOUNT}`,
        baseUrl: 'http://10.0.0.7:8080/',
      }),
    );
    expect(built.url).toBe(
      'http://10.0.0.7:8080/v1/projects/key-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent',
    );
  });

  it('parses a generateContent answer', () => {
    const response = vertexGeminiAdapter.parseResponse(fixtureJson('gemini-response.json'));
    expect(response.content).toEqual([{ type: 'text', text: 'Paris.' }]);
    expect(response.finishReason).toEqual({ reason: 'stop', raw: 'STOP' });
    expect(response.usage).toMatchObject({ inputTokens: 13, outputTokens: 2, totalTokens: 15 });
    expect(response.id).toBe('Y4fuaNmVHfPQ2PgP3q3M8Ac');
  });

  it('decodes a streamGenerateContent SSE stream', () => {
    const decoder = vertexGeminiAdapter.createStreamDecoder();
    const events = decodeAll(
      (c) => decoder.push(c),
      () => decoder.end(),
      fixtureText('gemini-stream.txt'),
    );
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(text).toBe('The capital of France is Paris.');
    expect(events.find((e) => e.type === 'usage')).toMatchObject({
      usage: { inputTokens: 13, outputTokens: 7 },
    });
    expect(events.find((e) => e.type === 'finish')).toMatchObject({ reason: 'stop' });
    expect(events.some((e) => e.type === 'error')).toBe(false);
  });

  it("maps Vertex's Google-shaped errors", () => {
    const limited = vertexGeminiAdapter.parseError(429, fixtureText('error-429-resource-exhausted.json'));
    expect(limited).toBeInstanceOf(GatewayError);
    expect(limited).toMatchObject({ kind: 'rate-limit', status: 429, retryable: true });
    const denied = vertexGeminiAdapter.parseError(403, fixtureText('error-403-permission-denied.json'));
    expect(denied.kind).toBe('permission');
  });
});

describe('Vertex AI: Claude models', () => {
  it('posts the Messages body without model and with anthropic_version to :rawPredict', () => {
    const built = vertexClaudeAdapter.buildRequest(request('claude-sonnet-4-5@20250929'), channel());
    expect(built.url).toBe(
      'https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict',
    );
    expect(built.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(built.body)).toEqual(fixtureJson('claude-rawpredict-request.json'));
  });

  it('streams through :streamRawPredict with stream: true in the body', () => {
    const built = vertexClaudeAdapter.buildRequest(request('claude-haiku-4-5@20251001', true), channel());
    expect(built.url).toMatch(/\/publishers\/anthropic\/models\/claude-haiku-4-5@20251001:streamRawPredict$/);
    expect(JSON.parse(built.body)).toMatchObject({ anthropic_version: 'vertex-2023-10-16', stream: true });
    expect(JSON.parse(built.body).model).toBeUndefined();
  });

  it('parses a rawPredict answer and decodes a streamRawPredict stream', () => {
    const response = vertexClaudeAdapter.parseResponse(fixtureJson('claude-response.json'));
    expect(response.content).toEqual([{ type: 'text', text: 'Paris.' }]);
    expect(response.finishReason).toMatchObject({ reason: 'stop', raw: 'end_turn' });
    expect(response.usage).toMatchObject({ inputTokens: 19, outputTokens: 5 });

    const decoder = vertexClaudeAdapter.createStreamDecoder();
    const events = decodeAll(
      (c) => decoder.push(c),
      () => decoder.end(),
      fixtureText('claude-stream.txt'),
    );
    expect(events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('')).toBe('Paris.');
    expect(events.some((e) => e.type === 'error')).toBe(false);
    expect(events.find((e) => e.type === 'finish')).toMatchObject({ reason: 'stop' });
    expect(events.find((e) => e.type === 'usage')).toMatchObject({
      usage: { inputTokens: 19, outputTokens: 5 },
    });
  });

  it("maps both error shapes: Anthropic's from the model, Google's from Vertex", () => {
    const invalid = vertexClaudeAdapter.parseError(400, fixtureText('error-400-claude-invalid-request.json'));
    expect(invalid).toMatchObject({ kind: 'invalid-request', status: 400 });
    expect(invalid.message).toContain('max_tokens: 100000 > 64000');
    const limited = vertexClaudeAdapter.parseError(429, fixtureText('error-429-resource-exhausted.json'));
    expect(limited).toMatchObject({ kind: 'rate-limit', retryable: true });
    expect(limited.message).toContain('Resource exhausted');
    expect(vertexClaudeAdapter.parseError(403, fixtureText('error-403-permission-denied.json')).kind).toBe(
      'permission',
    );
  });
});

describe('Vertex AI: credentials problems', () => {
  it('refuses a channel without a service account, naming what is missing', () => {
    expect(() =>
      vertexGeminiAdapter.buildRequest(request('gemini-2.5-flash'), channel({ config: {} })),
    ).toThrow(/no service account/);
    expect(() =>
      vertexGeminiAdapter.buildRequest(
        request('gemini-2.5-flash'),
        channel({ config: { vertex_ai_adc: '{"client_email":"a@b"}' } }),
      ),
    ).toThrow('the Vertex AI channel service account has no private_key');
  });
});

describe('vertexAdapterFor', () => {
  it('sends claude-* to the Anthropic publisher and everything else to Google', () => {
    expect(vertexAdapterFor('claude-opus-4-1@20250805').format).toBe('vertex-anthropic');
    expect(vertexAdapterFor('gemini-2.5-flash').format).toBe('vertex-gemini');
    expect(vertexAdapterFor(undefined).format).toBe('vertex-gemini');
  });
});
