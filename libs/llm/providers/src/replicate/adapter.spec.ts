import type { CanonicalRequest, StreamEvent } from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { replicateAdapter } from './adapter';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';
import { REPLICATE_PREDICTION_EVENT } from './stream-decoder';

const channel = { type: 46, baseUrl: 'https://api.replicate.com/v1/models/', key: 'r8_key', config: {} };

function decode(chunks: Array<string | Uint8Array>): StreamEvent[] {
  const decoder = replicateAdapter.createStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events.map((event) =>
    event.type === 'response-start'
      ? { ...event, id: 'id', created: 0 }
      : event.type === 'tool-call-start'
        ? { ...event, id: 'call' }
        : event,
  );
}

const trailer = (prediction: unknown) =>
  `event: ${REPLICATE_PREDICTION_EVENT}\ndata: ${JSON.stringify(prediction)}\n\n`;

const hello: CanonicalRequest = {
  model: 'meta/meta-llama-3-8b-instruct',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Write a haiku about llamas.' }] }],
  sampling: {},
  stream: false,
};

describe('Replicate adapter', () => {
  it('is the adapter of channel type 46, with an exchange hook, and names its own wire format', () => {
    expect(adapterForChannelType(46)).toBe(replicateAdapter);
    expect(replicateAdapter.format).toBe('replicate');
    expect(replicateAdapter.exchange).toBeInstanceOf(Function);
  });

  it('builds the recorded create call: transcript prompt, tools described in system_prompt, Prefer: wait', () => {
    const built = replicateAdapter.buildRequest(
      fixtureJson<CanonicalRequest>('canonical-request-tools-history.json'),
      channel,
    );
    expect(built.url).toBe('https://api.replicate.com/v1/models/meta/meta-llama-3-70b-instruct/predictions');
    expect(built.headers).toMatchObject({ Authorization: 'Bearer r8_key', Prefer: 'wait=60' });
    expect(JSON.parse(built.body)).toEqual(fixtureJson('prediction-request-tools-history.json'));
  });

  it('accepts every base URL form, sends a lone user turn as the prompt, and a pinned version to /predictions', () => {
    for (const baseUrl of [
      'https://api.replicate.com',
      'https://api.replicate.com/v1',
      'https://api.replicate.com/v1/models',
    ])
      expect(replicateAdapter.buildRequest(hello, { ...channel, baseUrl }).url).toBe(
        'https://api.replicate.com/v1/models/meta/meta-llama-3-8b-instruct/predictions',
      );
    const streamed = replicateAdapter.buildRequest({ ...hello, stream: true }, channel);
    expect(JSON.parse(streamed.body)).toEqual({
      input: { prompt: 'Write a haiku about llamas.' },
      stream: true,
    });
    expect(streamed.headers.Prefer).toBeUndefined();
    const pinned = replicateAdapter.buildRequest(
      { ...hello, model: 'acme/llm:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa' },
      channel,
    );
    expect(pinned.url).toBe('https://api.replicate.com/v1/predictions');
    expect(JSON.parse(pinned.body).version).toBe(
      '5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa',
    );
    expect(() => replicateAdapter.buildRequest({ ...hello, model: 'llama' }, channel)).toThrow(/owner\/name/);
  });

  it('lets config.prefer_wait shorten or turn off the Prefer: wait header', () => {
    const with10 = replicateAdapter.buildRequest(hello, { ...channel, config: { prefer_wait: 10 } });
    expect(with10.headers.Prefer).toBe('wait=10');
    const off = replicateAdapter.buildRequest(hello, { ...channel, config: { prefer_wait: '0' } });
    expect(off.headers.Prefer).toBeUndefined();
    expect(
      replicateAdapter.buildRequest(hello, { ...channel, config: { prefer_wait: 600 } }).headers.Prefer,
    ).toBe('wait=60');
  });

  it('describes a JSON schema in system_prompt for structured output', () => {
    const built = replicateAdapter.buildRequest(
      {
        ...hello,
        responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object', required: ['topic'] } },
      },
      channel,
    );
    expect(JSON.parse(built.body).input.system_prompt).toContain(
      '<json_schema>\n{"type":"object","required":["topic"]}\n</json_schema>',
    );
  });

  it('parses the recorded succeeded prediction: output pieces joined, usage from metrics', () => {
    const response = replicateAdapter.parseResponse(fixtureJson('prediction-succeeded.json'));
    expect(response).toMatchObject({
      id: 'gm3qorzdhgbfurvjtvhg6dckhu',
      model: 'meta/meta-llama-3-70b-instruct',
      created: 1713378400,
      content: [{ type: 'text', text: 'Fuzzy llamas graze\nSoftly on the Andes slopes — ☁️' }],
      finishReason: { reason: 'stop', raw: null },
      usage: { inputTokens: 21, outputTokens: 14, totalTokens: 35 },
    });
  });

  it('reads a {"tool_call": …} reply as a tool call, and an output at the token limit as cut', () => {
    const succeeded = fixtureJson<Record<string, unknown>>('prediction-succeeded.json');
    const call = replicateAdapter.parseResponse({
      ...succeeded,
      output: [
        '```json\n{"tool_call": {"name": "get_weather", ',
        '"arguments": {"location": "Paris"}}}\n```',
      ],
    });
    expect(call.content).toEqual([
      {
        type: 'tool-call',
        id: expect.stringMatching(/^call_/),
        name: 'get_weather',
        arguments: '{"location":"Paris"}',
      },
    ]);
    expect(call.finishReason.reason).toBe('tool_calls');
    const json = replicateAdapter.parseResponse({ ...succeeded, output: ['{"topic": "x"}'] });
    expect(json.content).toEqual([{ type: 'text', text: '{"topic": "x"}' }]);
    const cut = replicateAdapter.parseResponse({ ...succeeded, input: { prompt: 'p', max_tokens: 14 } });
    expect(cut.finishReason.reason).toBe('length');
  });

  it('throws the error of a failed prediction and refuses an unfinished one', () => {
    expect(() => replicateAdapter.parseResponse(fixtureJson('prediction-failed.json'))).toThrow(
      'CUDA error: out of memory',
    );
    expect(() => replicateAdapter.parseResponse(fixtureJson('prediction-created.json'))).toThrow(
      /has not finished/,
    );
  });

  it('decodes the recorded output stream and the finished prediction appended to it', () => {
    const events = decode([
      fixtureText('stream-output.txt') + trailer(fixtureJson('prediction-succeeded.json')),
    ]);
    expect(events).toEqual([
      { type: 'response-start', id: 'id', model: '', created: 0 },
      { type: 'text-delta', text: 'Fuzzy' },
      { type: 'text-delta', text: ' llamas graze' },
      { type: 'text-delta', text: '\nSoftly on the — ☁️' },
      { type: 'usage', usage: expect.objectContaining({ inputTokens: 21, outputTokens: 14 }) },
      { type: 'finish', reason: 'stop', raw: null },
    ]);
  });

  it('decodes the same wherever the bytes are split, and finishes without the trailer too', () => {
    const bytes = Buffer.from(fixtureText('stream-output.txt'), 'utf8');
    const whole = decode([bytes]);
    expect(whole.at(-1)).toEqual({ type: 'finish', reason: 'stop', raw: null });
    for (let at = 1; at < bytes.length; at++)
      expect(decode([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(whole);
  });

  it('holds a JSON-looking stream until done and turns a tool call into tool-call events', () => {
    const text =
      'event: output\ndata: {"tool_call": {"name": "get_weather",\n\n' +
      'event: output\ndata:  "arguments": {"location": "Paris"}}}\n\nevent: done\ndata: {}\n\n';
    expect(decode([text]).slice(1)).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location":"Paris"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', reason: 'tool_calls', raw: null },
    ]);
  });

  it('reports an error event, a canceled prediction and a stream cut before done', () => {
    const failed = decode([
      'event: output\ndata: Hi\n\nevent: error\ndata: {"detail": "CUDA error: out of memory"}\n\n',
    ]);
    expect(failed.at(-1)).toMatchObject({ type: 'error', error: { message: 'CUDA error: out of memory' } });
    const canceled = decode(['event: output\ndata: Hi\n\nevent: done\ndata: {"reason": "canceled"}\n\n']);
    expect(canceled.at(-1)).toMatchObject({ type: 'error', error: { kind: 'upstream' } });
    const text = fixtureText('stream-output.txt');
    const cut = decode([text.slice(0, text.indexOf('event: done'))]);
    expect(cut.at(-1)).toMatchObject({ type: 'error', error: { kind: 'upstream' } });
  });

  it('maps the recorded errors', () => {
    const auth = replicateAdapter.parseError(401, fixtureText('error-401-unauthenticated.json'));
    expect({ kind: auth.kind, message: auth.message }).toEqual({
      kind: 'auth',
      message: 'You did not pass a valid authentication token',
    });
    const invalid = replicateAdapter.parseError(422, fixtureText('error-422-invalid-input.json'));
    expect({ kind: invalid.kind, status: invalid.status }).toEqual({ kind: 'invalid-request', status: 422 });
    const throttled = replicateAdapter.parseError(429, fixtureText('error-429-throttled.json'), {
      'retry-after': '1',
    });
    expect({ kind: throttled.kind, wait: throttled.retryAfterMs }).toEqual({
      kind: 'rate-limit',
      wait: 1000,
    });
    const failed = replicateAdapter.parseError(502, fixtureText('prediction-failed.json'));
    expect({
      kind: failed.kind,
      status: failed.status,
      code: failed.providerCode,
      retryable: failed.retryable,
    }).toEqual({
      kind: 'upstream',
      status: 502,
      code: 'failed',
      retryable: true,
    });
  });
});
