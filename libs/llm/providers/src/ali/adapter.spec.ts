import type { CanonicalRequest, StreamEvent, UpstreamChannel } from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { aliAdapter } from './adapter';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const channel: UpstreamChannel = { type: 17, baseUrl: '', key: 'sk-dashscope', config: {} };

const weatherTool = {
  name: 'get_current_weather',
  description: 'Useful when you want to know the weather of a city.',
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' } },
    required: ['location'],
  },
};

function toolTurnRequest(): CanonicalRequest {
  return {
    model: 'qwen-plus',
    system: [{ type: 'text', text: 'You are a helpful assistant.' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'What is the weather like in Hangzhou?' }] },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool-call',
            id: 'call_6596dafa2a6a46f7a217da',
            name: 'get_current_weather',
            arguments: '{"location": "Hangzhou"}',
          },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_6596dafa2a6a46f7a217da',
            content: [{ type: 'text', text: 'Hangzhou is sunny, 24°C.' }],
          },
        ],
      },
    ],
    tools: [weatherTool],
    sampling: { maxTokens: 512, temperature: 0.7, topP: 0.8, topK: 50, seed: 1234, stop: ['Observation:'] },
    stream: true,
    extra: { enable_search: true },
  };
}

function decode(name: string): StreamEvent[] {
  const decoder = aliAdapter.createStreamDecoder();
  const text = fixtureText(name);
  // Split mid-event to prove the decoder is incremental.
  return [...decoder.push(text.slice(0, 97)), ...decoder.push(text.slice(97)), ...decoder.end()];
}

describe('Ali DashScope (channel type 17)', () => {
  it('is served by its native adapter with its own wire format', () => {
    expect(adapterForChannelType(17)).toBe(aliAdapter);
    expect(aliAdapter.format).toBe('dashscope');
  });

  it('builds the native generation request of the fixture (stream: SSE header, incremental output)', () => {
    const http = aliAdapter.buildRequest(toolTurnRequest(), channel);
    expect(http.url).toBe('https://dashscope.aliyuncs.com/api/v1/services/aigc/text-generation/generation');
    expect(http.headers).toMatchObject({
      Authorization: 'Bearer sk-dashscope',
      'X-DashScope-SSE': 'enable',
      Accept: 'text/event-stream',
    });
    expect(http.headers['X-DashScope-Plugin']).toBeUndefined();
    expect(JSON.parse(http.body)).toEqual(fixtureJson('generation-request.json'));
  });

  it('sends the plugin from config.plugin, else from the legacy other column; no SSE header when not streaming', () => {
    const request = { ...toolTurnRequest(), stream: false };
    const fromConfig = aliAdapter.buildRequest(request, {
      ...channel,
      config: { plugin: '{"pdf_extracter":{}}' },
    });
    expect(fromConfig.headers['X-DashScope-Plugin']).toBe('{"pdf_extracter":{}}');
    expect(fromConfig.headers['X-DashScope-SSE']).toBeUndefined();
    expect(JSON.parse(fromConfig.body).parameters.incremental_output).toBeUndefined();
    const fromOther = aliAdapter.buildRequest(request, { ...channel, other: '{"calculator":{}}' });
    expect(fromOther.headers['X-DashScope-Plugin']).toBe('{"calculator":{}}');
  });

  it('turns Qwen3 thinking on with a budget and drops images with a warning', () => {
    const http = aliAdapter.buildRequest(
      {
        ...toolTurnRequest(),
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
            ],
          },
        ],
        reasoning: { budgetTokens: 2048 },
      },
      channel,
    );
    const body = JSON.parse(http.body);
    expect(body.parameters).toMatchObject({ enable_thinking: true, thinking_budget: 2048 });
    expect(body.input.messages[1]).toEqual({ role: 'user', content: 'look' });
    expect(http.warnings.join(' ')).toMatch(/non-text parts were dropped/);
  });

  it('parses a text answer with usage', () => {
    const response = aliAdapter.parseResponse(fixtureJson('generation-response-text.json'));
    expect(response.id).toBe('87f776d7-3c82-9d39-b238-d1ad38c9b6a9');
    expect(response.content).toEqual([
      { type: 'text', text: 'I am a large language model created by Alibaba Cloud. I am called Qwen.' },
    ]);
    expect(response.finishReason).toEqual({ reason: 'stop', raw: 'stop' });
    expect(response.usage).toMatchObject({ inputTokens: 20, outputTokens: 16, totalTokens: 36 });
  });

  it('parses a tool call', () => {
    const response = aliAdapter.parseResponse(fixtureJson('generation-response-tool-call.json'));
    expect(response.content).toEqual([
      {
        type: 'tool-call',
        id: 'call_6596dafa2a6a46f7a217da',
        name: 'get_current_weather',
        arguments: '{"location": "Hangzhou"}',
      },
    ]);
    expect(response.finishReason.reason).toBe('tool_calls');
  });

  it('reports a forced tool call that ended with "stop" as a tool call', () => {
    const fixture = fixtureJson<{ output: { choices: Array<{ finish_reason: string }> } }>(
      'generation-response-tool-call.json',
    );
    fixture.output.choices[0].finish_reason = 'stop';
    expect(aliAdapter.parseResponse(fixture).finishReason).toEqual({ reason: 'tool_calls', raw: 'stop' });
  });

  it('throws on an error object answered with 200', () => {
    expect(() => aliAdapter.parseResponse(fixtureJson('error-401-invalid-api-key.json'))).toThrow(
      'Invalid API-key provided.',
    );
  });

  it('decodes the text stream: incremental deltas, usage of the last event, finish', () => {
    const events = decode('generation-stream-text.txt');
    expect(events[0]).toMatchObject({ type: 'response-start', id: 'b3d8bb75-05a2-9044-8e39-3ee6f5c1c2b6' });
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(text).toBe('I am Qwen, created by Alibaba Cloud.');
    expect(events.find((e) => e.type === 'usage')).toMatchObject({
      usage: { inputTokens: 20, outputTokens: 8 },
    });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop', raw: 'stop' });
  });

  it('decodes a streamed tool call', () => {
    const events = decode('generation-stream-tool-call.txt');
    expect(events.filter((e) => e.type.startsWith('tool-call'))).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_8f08d2b0fc0c4d8fab7123', name: 'get_current_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: ' "Hangzhou"}' },
      { type: 'tool-call-end', index: 0 },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'tool_calls' });
  });

  it('turns an error event into a stream error, and a cut stream into an incomplete error', () => {
    const events = decode('generation-stream-error.txt');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'error',
      error: { message: 'Output data may contain inappropriate content.' },
    });
    const cut = aliAdapter.createStreamDecoder();
    const partial = fixtureText('generation-stream-text.txt').split('\n\n')[0] + '\n\n';
    const events2 = [...cut.push(partial), ...cut.end()];
    expect(events2.at(-1)).toMatchObject({ type: 'error' });
  });

  it('maps errors: InvalidApiKey → auth, Throttling → rate limit, input length → context length', () => {
    expect(aliAdapter.parseError(401, fixtureText('error-401-invalid-api-key.json'))).toMatchObject({
      kind: 'auth',
      providerCode: 'InvalidApiKey',
    });
    expect(aliAdapter.parseError(429, fixtureText('error-429-throttling.json'))).toMatchObject({
      kind: 'rate-limit',
      retryable: true,
    });
    expect(aliAdapter.parseError(400, fixtureText('error-400-input-length.json'))).toMatchObject({
      kind: 'context-length',
    });
  });
});
