/**
 * The Anthropic adapter, the Claude Messages codec and the passthrough helper against the fake Anthropic over HTTP:
 * what the adapter builds is accepted by a server that validates like Anthropic, and what that server answers parses.
 */
import {
  ANTHROPIC_REPLY_PREFIX,
  ANTHROPIC_THINKING_PREFIX,
  fakeThinkingSignature,
  predictMessagesUsage,
  startFakeAnthropic,
  type FakeProvider,
} from '@one-api/llm-testing';
import type { CanonicalRequest, StreamEvent, UpstreamHttpRequest } from '@one-api/llm-core';
import { anthropicMessagesCodec, encodeOpenAiChatResponse, openAiChatCodec } from '@one-api/llm-codecs';
import { anthropicAdapter } from './adapter';
import { anthropicPassthroughRequest } from './passthrough';
import { AnthropicStreamUsageTap } from './usage-tap';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

describe('Anthropic adapter against the fake Anthropic', () => {
  let fake: FakeProvider;
  let channel: { type: number; baseUrl: string; key: string; config: Record<string, unknown> };

  beforeAll(async () => {
    fake = await startFakeAnthropic({ apiKey: 'sk-ant-channel' });
    channel = { type: 14, baseUrl: fake.url, key: 'sk-ant-channel', config: {} };
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  async function send(http: Pick<UpstreamHttpRequest, 'url' | 'headers' | 'body'>): Promise<Response> {
    return fetch(http.url, { method: 'POST', headers: http.headers, body: http.body });
  }

  function fromOpenAi(body: Record<string, unknown>): CanonicalRequest {
    return { ...openAiChatCodec.decodeRequest(body), model: 'claude-haiku-4-5' };
  }

  it('an OpenAI chat request with reasoning and tools: accepted, answered with thinking and a tool call', async () => {
    const request = fromOpenAi({
      model: 'gpt-4o',
      reasoning_effort: 'low',
      temperature: 0.3,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is the weather in Oslo?' },
      ],
      tools: [weatherTool],
    });
    const http = anthropicAdapter.buildRequest(request, channel);
    const res = await send(http);
    expect(res.status).toBe(200);
    const answer = anthropicAdapter.parseResponse(await res.json());
    const thinking = `${ANTHROPIC_THINKING_PREFIX}What is the weather in Oslo?`;
    expect(answer.content).toEqual([
      { type: 'reasoning', text: thinking, signature: fakeThinkingSignature(thinking) },
      { type: 'text', text: 'I will call get_weather.' },
      {
        type: 'tool-call',
        id: expect.stringMatching(/^toolu_01/),
        name: 'get_weather',
        arguments: '{"location":"sample location"}',
      },
    ]);
    expect(answer.finishReason).toEqual({ reason: 'tool_calls', raw: 'tool_use' });
    const sent = fake.requests[0];
    expect(sent.headers['x-api-key']).toBe('sk-ant-channel');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2048 },
      max_tokens: 2048 + 2048,
    });
    expect(sent.body).not.toHaveProperty('temperature');
    expect(answer.usage?.inputTokens).toBe(predictMessagesUsage(sent.body as never).input_tokens);

    // Next turn: the OpenAI client sends back the tool call (reasoning without signature is not resent) and the result.
    const chat = encodeOpenAiChatResponse(answer, { request });
    const call = chat.choices[0].message.tool_calls![0];
    const next = fromOpenAi({
      model: 'gpt-4o',
      reasoning_effort: 'low',
      messages: [
        { role: 'user', content: 'What is the weather in Oslo?' },
        { ...chat.choices[0].message },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature_c":3}' },
      ],
      tools: [weatherTool],
    });
    const second = await send(anthropicAdapter.buildRequest(next, channel));
    expect(second.status).toBe(200);
    const reply = anthropicAdapter.parseResponse(await second.json());
    expect(reply.content.at(-1)).toEqual({
      type: 'text',
      text: `${ANTHROPIC_REPLY_PREFIX}tool result: {"temperature_c":3}`,
    });
  });

  it('a streamed converted request decodes into canonical events with usage', async () => {
    const request = fromOpenAi({
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    const res = await send(anthropicAdapter.buildRequest(request, channel));
    const decoder = anthropicAdapter.createStreamDecoder();
    const events: StreamEvent[] = [];
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
      events.push(...decoder.push(chunk));
    events.push(...decoder.end());
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(text).toBe(`${ANTHROPIC_REPLY_PREFIX}Hello there`);
    expect(events.at(-2)).toEqual({ type: 'finish', reason: 'stop', raw: 'end_turn' });
    expect(events.at(-1)).toMatchObject({
      type: 'usage',
      usage: { outputTokens: Math.ceil(text.length / 4) },
    });
  });

  it('the passthrough helper forwards a Claude request the fake accepts, and the usage tap reads its stream', async () => {
    const raw = JSON.stringify({
      model: 'claude-alias',
      max_tokens: 300,
      stream: true,
      system: [
        { type: 'text', text: 'Cached system prompt. '.repeat(20), cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    const call = anthropicPassthroughRequest(raw, {
      channelType: 14,
      baseUrl: fake.url,
      key: 'sk-ant-channel',
      model: 'claude-haiku-4-5',
      callerHeaders: { version: '2023-06-01', beta: 'prompt-caching-2024-07-31' },
    });
    const res = await send(call);
    expect(res.status).toBe(200);
    const tap = new AnthropicStreamUsageTap();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) tap.push(chunk);
    tap.end();
    expect(fake.requests[0].rawBody).toBe(raw.replace('"claude-alias"', '"claude-haiku-4-5"'));
    expect(fake.requests[0].headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    const system = Math.ceil('Cached system prompt. '.repeat(20).length / 4);
    expect(tap.done).toBe(true);
    expect(tap.usage).toMatchObject({
      cacheReadTokens: system,
      cacheWrite5mTokens: 1,
      inputTokens: system + 1,
    });
  });

  it('a Claude request decoded and rebuilt keeps the thinking signatures the fake checks', async () => {
    const first = await send(
      anthropicAdapter.buildRequest(
        anthropicMessagesCodec.decodeRequest({
          model: 'claude-haiku-4-5',
          max_tokens: 3000,
          thinking: { type: 'enabled', budget_tokens: 1024 },
          messages: [{ role: 'user', content: 'Think about it' }],
        }),
        channel,
      ),
    );
    const message = (await first.json()) as { content: unknown[] };
    const second = anthropicMessagesCodec.decodeRequest({
      model: 'claude-haiku-4-5',
      max_tokens: 3000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'user', content: 'Think about it' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: 'More' },
      ],
    });
    const res = await send(anthropicAdapter.buildRequest(second, channel));
    expect(res.status).toBe(200);
    const bad = anthropicAdapter.buildRequest(second, channel);
    const tampered = bad.body.replace(/"signature":"[^"]+"/, '"signature":"EqQBforged"');
    const rejected = await send({ ...bad, body: tampered });
    expect(rejected.status).toBe(400);
    const error = anthropicAdapter.parseError(rejected.status, await rejected.text());
    expect(error).toMatchObject({
      kind: 'invalid-request',
      message: 'messages.1.content.0: Invalid `signature` in `thinking` block',
    });
  });

  it('maps fake faults to gateway errors', async () => {
    fake.failNext(1, '529');
    const overloaded = await send(
      anthropicAdapter.buildRequest(
        fromOpenAi({ model: 'x', messages: [{ role: 'user', content: 'x' }] }),
        channel,
      ),
    );
    expect(anthropicAdapter.parseError(overloaded.status, await overloaded.text())).toMatchObject({
      kind: 'overloaded',
      status: 529,
      retryable: true,
    });
    const denied = await send(
      anthropicAdapter.buildRequest(fromOpenAi({ model: 'x', messages: [{ role: 'user', content: 'x' }] }), {
        ...channel,
        key: 'sk-ant-wrong',
      }),
    );
    expect(anthropicAdapter.parseError(denied.status, await denied.text())).toMatchObject({
      kind: 'auth',
      status: 401,
    });
  });
});
