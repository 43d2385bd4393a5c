/**
 * Replays the recorded Bedrock wire fixtures: request bodies built (Converse from an OpenAI chat request, InvokeModel
 * from a Claude Messages request), answers parsed, event streams decoded wherever their bytes are split, errors mapped.
 */
import { encodeEventStreamMessage } from '@one-api/llm-testing';
import { anthropicMessagesCodec, openAiChatCodec, withAnthropicHeaders } from '@one-api/llm-codecs';
import type { StreamEvent, UpstreamChannel } from '@one-api/llm-core';
import { adapterForChannel, adapterForChannelType } from '../registry';
import { bedrockAdapter } from './adapter';
import { BedrockStreamDecoder } from './stream-decoder';
import { fixtureJson } from './fixtures/read-fixture';

interface Frame {
  headers: Record<string, string>;
  payload: unknown;
}

interface ErrorFixture {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const channel: UpstreamChannel = {
  type: 33,
  baseUrl: '',
  key: 'AKIAEXAMPLE|secret|eu-west-3',
  config: {},
};

function streamBytes(name: string): Buffer {
  return Buffer.concat(
    fixtureJson<Frame[]>(name).map((f) => encodeEventStreamMessage(f.headers, JSON.stringify(f.payload))),
  );
}

function decode(chunks: Uint8Array[]): StreamEvent[] {
  const decoder = new BedrockStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events;
}

function normalize(events: StreamEvent[]): StreamEvent[] {
  return events.map((e) => (e.type === 'response-start' ? { ...e, id: 'id', created: 0 } : e));
}

function splits(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('Bedrock registration', () => {
  it('serves channel type 33 with its own wire format, so callers are always converted', () => {
    expect(adapterForChannelType(33)).toBe(bedrockAdapter);
    expect(adapterForChannel(33, { region: 'us-east-1' })).toBe(bedrockAdapter);
    expect(bedrockAdapter.format).toBe('bedrock');
    expect(typeof bedrockAdapter.authorize).toBe('function');
  });
});

describe('Bedrock request bodies', () => {
  it('Converse: system, image, tool history (toolUse → toolResult joined with the next user text), sampling, forced tool', () => {
    const request = openAiChatCodec.decodeRequest(fixtureJson('chat-request-tools-history.json'));
    const http = bedrockAdapter.buildRequest(request, channel);
    expect(http.url).toBe(
      'https://bedrock-runtime.eu-west-3.amazonaws.com/model/amazon.nova-pro-v1%3A0/converse',
    );
    expect(http.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(http.body)).toEqual(fixtureJson('converse-request-tools-history.json'));
    expect(http.warnings).toEqual(['seed was dropped: Bedrock Converse does not accept it']);
  });

  it('ConverseStream for a streamed request, to the channel base URL when set', () => {
    const request = {
      ...openAiChatCodec.decodeRequest(fixtureJson('chat-request-tools-history.json')),
      stream: true,
    };
    const http = bedrockAdapter.buildRequest(request, {
      ...channel,
      baseUrl: 'https://vpce-0a1b.bedrock-runtime.eu-west-3.vpce.amazonaws.com/',
    });
    expect(http.url).toBe(
      'https://vpce-0a1b.bedrock-runtime.eu-west-3.vpce.amazonaws.com/model/amazon.nova-pro-v1%3A0/converse-stream',
    );
    expect(http.headers.accept).toBe('application/vnd.amazon.eventstream');
    expect(JSON.parse(http.body)).toEqual(fixtureJson('converse-request-tools-history.json'));
  });

  it('InvokeModel for Claude: the Anthropic body with bedrock-2023-05-31, no model / stream / metadata, betas as anthropic_beta', () => {
    const decoded = anthropicMessagesCodec.decodeRequest(fixtureJson('claude-messages-request.json'));
    const request = {
      ...withAnthropicHeaders(decoded, { beta: 'interleaved-thinking-2025-05-14,context-1m-2025-08-07' }),
      model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    };
    const http = bedrockAdapter.buildRequest(request, channel);
    expect(http.url).toBe(
      'https://bedrock-runtime.eu-west-3.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream',
    );
    expect(http.headers).toEqual({
      'content-type': 'application/json',
      'x-amzn-bedrock-accept': 'application/json',
    });
    expect(JSON.parse(http.body)).toEqual(fixtureJson('invoke-request-claude.json'));
    expect(http.warnings).toContain('metadata was dropped: Bedrock does not accept it');
  });
});

describe('anthropic-beta on Bedrock', () => {
  it("keeps the flags Bedrock accepts and drops the others (Claude Code's) with a warning", () => {
    const decoded = anthropicMessagesCodec.decodeRequest({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const request = {
      ...withAnthropicHeaders(decoded, {
        beta: 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14,interleaved-thinking-2025-05-14',
      }),
      model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    };
    const http = bedrockAdapter.buildRequest(request, channel);
    expect(JSON.parse(http.body).anthropic_beta).toEqual(['interleaved-thinking-2025-05-14']);
    expect(http.warnings).toContain(
      'anthropic-beta claude-code-20250219, fine-grained-tool-streaming-2025-05-14 dropped: Bedrock does not accept it',
    );
    const none = bedrockAdapter.buildRequest(
      { ...request, codecState: { ...request.codecState, anthropicBeta: 'claude-code-20250219' } },
      channel,
    );
    expect(JSON.parse(none.body)).not.toHaveProperty('anthropic_beta');
  });
});

describe('Bedrock answers', () => {
  it('Converse text: cache reads are added to the input tokens', () => {
    const answer = bedrockAdapter.parseResponse(fixtureJson('converse-response-text.json'));
    expect(answer.content).toEqual([{ type: 'text', text: 'Hello! How can I help you today?' }]);
    expect(answer.finishReason).toEqual({ reason: 'stop', raw: 'end_turn' });
    expect(answer.usage).toEqual({
      inputTokens: 1036,
      cacheReadTokens: 1024,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 10,
      reasoningTokens: 0,
      totalTokens: 1046,
    });
    expect(answer.id).toMatch(/^msg_bdrk_/);
  });

  it('Converse reasoning, text and tool use; cache writes are input too', () => {
    const answer = bedrockAdapter.parseResponse(fixtureJson('converse-response-reasoning-tool.json'));
    expect(answer.content).toEqual([
      {
        type: 'reasoning',
        text: 'The user wants the weather in Oslo, so I should call get_weather.',
        signature: 'EqoBCkgIAxABGAIiQMm0Vq1c8cRJ0sWcZ5m6bT0nQ0R6c2J0bGx0ZXh0c2lnbmF0dXJl',
      },
      { type: 'text', text: 'Let me check that for you.' },
      {
        type: 'tool-call',
        id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
        name: 'get_weather',
        arguments: '{"location":"Oslo","unit":"celsius"}',
      },
    ]);
    expect(answer.finishReason).toEqual({ reason: 'tool_calls', raw: 'tool_use' });
    expect(answer.usage).toMatchObject({
      inputTokens: 2416,
      cacheWrite5mTokens: 2048,
      outputTokens: 87,
      totalTokens: 2503,
    });
  });

  it('Converse guardrail intervention is a content filter stop', () => {
    const answer = bedrockAdapter.parseResponse(fixtureJson('converse-response-guardrail.json'));
    expect(answer.finishReason).toEqual({ reason: 'content_filter', raw: 'guardrail_intervened' });
  });

  it('InvokeModel on Claude: the Anthropic message with its thinking signature and cache reads', () => {
    const answer = bedrockAdapter.parseResponse(fixtureJson('invoke-response-claude.json'));
    expect(answer.id).toBe('msg_bdrk_01Y8qZ3vTQjWb9yXhGk2P4aS');
    expect(answer.content).toEqual([
      {
        type: 'reasoning',
        text: 'A greeting; answer briefly.',
        signature: 'ErUBCkYIBxgCIkB0c2lnbmF0dXJlLW9mLXRoZS10aGlua2luZy1ibG9jaw==',
      },
      { type: 'text', text: 'Hello! How can I help?' },
    ]);
    expect(answer.usage).toMatchObject({ inputTokens: 2124, cacheReadTokens: 2110, outputTokens: 48 });
  });

  it('an error object with status 200 throws', () => {
    expect(() => bedrockAdapter.parseResponse({ message: 'Unexpected failure' })).toThrow(
      'Unexpected failure',
    );
    expect(() => bedrockAdapter.parseResponse('nope')).toThrow(/not a JSON object/);
  });
});

const converseStreamEvents: StreamEvent[] = [
  { type: 'response-start', id: 'id', model: '', created: 0 },
  { type: 'reasoning-delta', text: 'Oslo weather: ' },
  { type: 'reasoning-delta', text: 'call the tool.' },
  { type: 'reasoning-delta', text: '', signature: 'EqoBCkgIAxABGAIiQMm0Vq1c8cRJ0sWcZ5m6bT0n' },
  { type: 'text-delta', text: 'Checking — ' },
  { type: 'text-delta', text: 'one moment ☀️' },
  { type: 'tool-call-start', index: 0, id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location"' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: ': "Oslo"}' },
  { type: 'tool-call-end', index: 0 },
  { type: 'finish', reason: 'tool_calls', raw: 'tool_use' },
  {
    type: 'usage',
    usage: {
      inputTokens: 2416,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 2048,
      cacheWrite1hTokens: 0,
      outputTokens: 87,
      reasoningTokens: 0,
      totalTokens: 2503,
    },
  },
];

describe('BedrockStreamDecoder', () => {
  it('decodes the recorded ConverseStream (reasoning, text, tool use, stop, metadata)', () => {
    expect(normalize(decode([streamBytes('converse-stream-reasoning-tool.json')]))).toEqual(
      converseStreamEvents,
    );
  });

  it('decodes the same wherever the bytes are split (inside preludes, headers, payloads, UTF-8, CRCs)', () => {
    const bytes = streamBytes('converse-stream-reasoning-tool.json');
    for (const size of [1, 2, 3, 5, 11, 13, 64, 4096]) {
      expect([size, normalize(decode(splits(bytes, size)))]).toEqual([size, converseStreamEvents]);
    }
  });

  it('decodes the recorded InvokeModelWithResponseStream chunks as the Anthropic stream', () => {
    const events = decode(splits(streamBytes('invoke-stream-claude.json'), 9)).map((e) =>
      e.type === 'response-start' ? { ...e, created: 0 } : e,
    );
    expect(events).toEqual([
      {
        type: 'response-start',
        id: 'msg_bdrk_01Y8qZ3vTQjWb9yXhGk2P4aS',
        model: 'claude-haiku-4-5-20251001',
        created: 0,
      },
      { type: 'reasoning-delta', text: 'A greeting.' },
      { type: 'reasoning-delta', text: '', signature: 'ErUBCkYIBxgCIkB0c2lnbmF0dXJl' },
      { type: 'text-delta', text: 'Hello! ' },
      { type: 'text-delta', text: 'How can I help?' },
      { type: 'finish', reason: 'stop', raw: 'end_turn' },
      {
        type: 'usage',
        usage: {
          inputTokens: 2124,
          cacheReadTokens: 2110,
          cacheWrite5mTokens: 0,
          cacheWrite1hTokens: 0,
          outputTokens: 48,
          reasoningTokens: 0,
          totalTokens: 2172,
        },
      },
    ]);
  });

  it('an exception message mid-stream becomes an error event of its kind, and nothing follows it', () => {
    const events = decode([streamBytes('converse-stream-throttling.json')]);
    expect(events.map((e) => e.type)).toEqual(['response-start', 'text-delta', 'error']);
    const error = (events[2] as Extract<StreamEvent, { type: 'error' }>).error;
    expect(error).toMatchObject({
      kind: 'rate-limit',
      status: 429,
      providerType: 'ThrottlingException',
      message: 'Too many tokens, please wait before trying again.',
    });
  });

  it('a message whose CRC does not match is an error event', () => {
    const bytes = Buffer.from(streamBytes('converse-stream-reasoning-tool.json'));
    bytes[40] ^= 0xff; // inside the first message's headers
    const events = decode([bytes]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'error',
      error: { kind: 'upstream', message: 'upstream sent a corrupt event stream message' },
    });
  });

  it('a stream cut before messageStop ends with an error event', () => {
    const frames = fixtureJson<Frame[]>('converse-stream-reasoning-tool.json').slice(0, 6);
    const bytes = Buffer.concat(
      frames.map((f) => encodeEventStreamMessage(f.headers, JSON.stringify(f.payload))),
    );
    const events = decode([bytes.subarray(0, bytes.length - 3)]);
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      error: { message: 'upstream stream ended before the response was complete' },
    });
  });

  it('an invoke stream cut before message_stop ends with an error event', () => {
    const frames = fixtureJson<Frame[]>('invoke-stream-claude.json').slice(0, 8);
    const bytes = Buffer.concat(
      frames.map((f) => encodeEventStreamMessage(f.headers, JSON.stringify(f.payload))),
    );
    expect(decode([bytes]).at(-1)).toMatchObject({ type: 'error', error: { kind: 'upstream' } });
  });
});

describe('Bedrock errors', () => {
  const cases: Array<[string, string, number, boolean]> = [
    ['error-429-throttling.json', 'rate-limit', 429, true],
    ['error-429-model-not-ready.json', 'rate-limit', 429, true],
    ['error-400-validation.json', 'invalid-request', 400, false],
    ['error-400-input-too-long.json', 'context-length', 400, false],
    ['error-403-access-denied.json', 'permission', 403, false],
    ['error-403-invalid-signature.json', 'auth', 403, false],
    ['error-403-unrecognized-client.json', 'auth', 403, false],
    ['error-404-resource-not-found.json', 'not-found', 404, false],
    ['error-424-model-error.json', 'upstream', 424, true],
    ['error-500-internal.json', 'upstream', 500, true],
    ['error-503-service-unavailable.json', 'overloaded', 503, true],
  ];
  it.each(cases)('%s → %s', (name, kind, status, retryable) => {
    const fixture = fixtureJson<ErrorFixture>(name);
    const error = bedrockAdapter.parseError(fixture.status, JSON.stringify(fixture.body), fixture.headers);
    const exception = fixture.headers['x-amzn-errortype'].split(':')[0];
    expect(error).toMatchObject({
      kind,
      status,
      retryable,
      providerType: exception,
      message: (fixture.body as { message: string }).message,
    });
  });

  it('without the header, the body __type names the exception; without either, the status decides', () => {
    expect(
      bedrockAdapter.parseError(
        400,
        JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', message: 'bad' }),
      ),
    ).toMatchObject({ kind: 'invalid-request', providerType: 'ValidationException' });
    expect(bedrockAdapter.parseError(502, '<html>Bad Gateway</html>')).toMatchObject({
      kind: 'upstream',
      message: 'upstream returned HTTP 502',
    });
  });

  it('Retry-After is kept', () => {
    const fixture = fixtureJson<ErrorFixture>('error-429-throttling.json');
    const error = bedrockAdapter.parseError(429, JSON.stringify(fixture.body), {
      ...fixture.headers,
      'retry-after': '3',
    });
    expect(error.retryAfterMs).toBe(3000);
  });
});
