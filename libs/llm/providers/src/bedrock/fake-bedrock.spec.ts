/**
 * The Bedrock adapter against the fake Bedrock over HTTP: what the adapter builds and signs is accepted by a server
 * that verifies SigV4 from the published algorithm and validates like Bedrock, and what it answers parses.
 */
import { request as undiciRequest } from 'undici';
import {
  ANTHROPIC_REPLY_PREFIX,
  FAKE_BEDROCK_ACCESS_KEY_ID,
  FAKE_BEDROCK_SECRET_ACCESS_KEY,
  fakeThinkingSignature,
  predictConverseUsage,
  predictMessagesUsage,
  startFakeBedrock,
  type FakeProvider,
} from '@one-api/llm-testing';
import type { CanonicalRequest, StreamEvent, UpstreamChannel, UpstreamIo } from '@one-api/llm-core';
import { anthropicMessagesCodec, openAiChatCodec, withAnthropicHeaders } from '@one-api/llm-codecs';
import { bedrockAdapter } from './adapter';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

const io: UpstreamIo = {
  send: () => Promise.reject(new Error('not used')),
  signal: new AbortController().signal,
  now: () => Date.now(),
  cache: new Map(),
};

describe('Bedrock adapter against the fake Bedrock', () => {
  let fake: FakeProvider;
  let channel: UpstreamChannel;

  beforeAll(async () => {
    fake = await startFakeBedrock();
    channel = {
      type: 33,
      baseUrl: fake.url,
      key: `${FAKE_BEDROCK_ACCESS_KEY_ID}|${FAKE_BEDROCK_SECRET_ACCESS_KEY}|us-east-1`,
      config: {},
    };
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  async function call(request: CanonicalRequest, on: UpstreamChannel = channel) {
    const built = bedrockAdapter.buildRequest(request, on);
    const signed = await bedrockAdapter.authorize!(built, on, io);
    const res = await undiciRequest(signed.url, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    return { status: res.statusCode, headers: res.headers, bytes: Buffer.from(await res.body.arrayBuffer()) };
  }

  function chat(model: string, body: Record<string, unknown>): CanonicalRequest {
    return { ...openAiChatCodec.decodeRequest({ model, ...body }), model };
  }

  function decodeStream(bytes: Buffer, splitEvery = 7): StreamEvent[] {
    const decoder = bedrockAdapter.createStreamDecoder();
    const events: StreamEvent[] = [];
    for (let i = 0; i < bytes.length; i += splitEvery)
      events.push(...decoder.push(bytes.subarray(i, i + splitEvery)));
    events.push(...decoder.end());
    return events;
  }

  it('Converse: a signed chat request is accepted and its answer and usage parse', async () => {
    const request = chat('amazon.nova-lite-v1:0', {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
      max_tokens: 200,
      temperature: 0.2,
    });
    const res = await call(request);
    expect(res.status).toBe(200);
    const sent = fake.requests[0];
    expect(sent.path).toBe('/model/amazon.nova-lite-v1%3A0/converse');
    expect(sent.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${FAKE_BEDROCK_ACCESS_KEY_ID}/\\d{8}/us-east-1/bedrock/aws4_request, SignedHeaders=`,
      ),
    );
    const answer = bedrockAdapter.parseResponse(JSON.parse(res.bytes.toString('utf8')));
    expect(answer.content).toEqual([{ type: 'text', text: `${ANTHROPIC_REPLY_PREFIX}Say hello` }]);
    expect(answer.finishReason).toEqual({ reason: 'stop', raw: 'end_turn' });
    const usage = predictConverseUsage(sent.body);
    expect(answer.usage).toMatchObject({ inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
  });

  it('ConverseStream with a forced tool: event-stream frames decode to a tool call, finish and usage', async () => {
    const request = chat('us.amazon.nova-pro-v1:0', {
      messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stream: true,
    });
    const res = await call(request);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    const events = decodeStream(res.bytes);
    expect(events.map((e) => e.type)).toEqual([
      'response-start',
      'tool-call-start',
      ...events.filter((e) => e.type === 'tool-call-delta').map(() => 'tool-call-delta'),
      'tool-call-end',
      'finish',
      'usage',
    ]);
    const args = events.flatMap((e) => (e.type === 'tool-call-delta' ? [e.argumentsDelta] : [])).join('');
    expect(JSON.parse(args)).toEqual({ location: expect.any(String) });
    expect(events.find((e) => e.type === 'finish')).toEqual({
      type: 'finish',
      reason: 'tool_calls',
      raw: 'tool_use',
    });
    const usage = predictConverseUsage(fake.requests[0].body);
    expect(events.at(-1)).toMatchObject({
      type: 'usage',
      usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
    });
  });

  it('Claude through InvokeModel: a Claude Messages request with thinking keeps its body, answer with a signed thinking block', async () => {
    const request: CanonicalRequest = {
      ...anthropicMessagesCodec.decodeRequest({
        model: 'claude-sonnet-4-5',
        max_tokens: 4096,
        thinking: { type: 'enabled', budget_tokens: 2048 },
        system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'Say hello' }],
      }),
      model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    };
    const res = await call(request);
    expect(res.status).toBe(200);
    const sent = fake.requests[0];
    expect(sent.path).toBe('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke');
    expect(sent.body).toMatchObject({
      anthropic_version: 'bedrock-2023-05-31',
      thinking: { type: 'enabled', budget_tokens: 2048 },
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
    });
    expect(sent.body).not.toHaveProperty('model');
    const answer = bedrockAdapter.parseResponse(JSON.parse(res.bytes.toString('utf8')));
    const thinking = answer.content[0];
    expect(thinking).toMatchObject({
      type: 'reasoning',
      signature: fakeThinkingSignature((thinking as { text: string }).text),
    });
    const expected = predictMessagesUsage(sent.body as never);
    expect(answer.usage).toMatchObject({
      cacheWrite5mTokens: expected.cache_creation_input_tokens,
      outputTokens: expected.output_tokens,
    });
  });

  it('a Claude Code turn (its anthropic-beta flags, metadata) is accepted: what Bedrock refuses is left out', async () => {
    const request: CanonicalRequest = {
      ...withAnthropicHeaders(
        anthropicMessagesCodec.decodeRequest({
          model: 'claude-sonnet-4-5',
          max_tokens: 1024,
          metadata: { user_id: 'user_abc_account_def_session_ghi' },
          messages: [{ role: 'user', content: 'Say hello' }],
        }),
        {
          beta: 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
        },
      ),
      model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    };
    const res = await call(request);
    expect(res.status).toBe(200);
    expect(fake.requests[0].body).toMatchObject({ anthropic_beta: ['interleaved-thinking-2025-05-14'] });
    expect(fake.requests[0].body).not.toHaveProperty('metadata');
  });

  it('Claude through InvokeModelWithResponseStream: base64 chunks decode as the Anthropic stream', async () => {
    const request = chat('us.anthropic.claude-haiku-4-5-20251001-v1:0', {
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
    });
    const res = await call(request);
    expect(res.status).toBe(200);
    expect(fake.requests[0].path).toBe(
      '/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream',
    );
    const events = decodeStream(res.bytes, 5);
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(text).toBe(`${ANTHROPIC_REPLY_PREFIX}Say hello`);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(events.find((e) => e.type === 'finish')).toEqual({
      type: 'finish',
      reason: 'stop',
      raw: 'end_turn',
    });
  });

  it('an inference profile ARN from config.inference_profile_arn_map is the model id (escaped) and still signs', async () => {
    const arn =
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/anthropic.claude-haiku-4-5';
    const on = { ...channel, config: { inference_profile_arn_map: JSON.stringify({ 'my-claude': arn }) } };
    const res = await call(chat('my-claude', { messages: [{ role: 'user', content: 'Hi' }] }), on);
    expect(res.status).toBe(200);
    expect(fake.requests[0].path).toBe(`/model/${encodeURIComponent(arn)}/invoke`);
  });

  it('a wrong secret is refused by the fake with InvalidSignatureException and maps to an auth error', async () => {
    const wrong = { ...channel, key: `${FAKE_BEDROCK_ACCESS_KEY_ID}|not-the-secret|us-east-1` };
    const res = await call(
      chat('amazon.nova-lite-v1:0', { messages: [{ role: 'user', content: 'Hi' }] }),
      wrong,
    );
    expect(res.status).toBe(403);
    expect(res.headers['x-amzn-errortype']).toMatch(/^InvalidSignatureException:/);
    const error = bedrockAdapter.parseError(res.status, res.bytes.toString('utf8'), res.headers);
    expect(error).toMatchObject({ kind: 'auth', status: 403, providerType: 'InvalidSignatureException' });
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
  });

  it('a signature over another body is refused (the body is covered)', async () => {
    const built = bedrockAdapter.buildRequest(
      chat('amazon.nova-lite-v1:0', { messages: [{ role: 'user', content: 'Hi' }] }),
      channel,
    );
    const signed = await bedrockAdapter.authorize!(built, channel, io);
    const res = await undiciRequest(signed.url, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body.replace('Hi', 'Ho'),
    });
    await res.body.text();
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-amzn-errortype']).toMatch(/^InvalidSignatureException:/);
  });
});
