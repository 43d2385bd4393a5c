/**
 * The Responses adapter against the fake OpenAI of @one-api/llm-testing over HTTP: a Chat client and a Responses
 * client reaching a Responses-native channel (build → fetch → parse / decode → encode), tools, tool history,
 * streaming, stored-response-free requests and upstream errors.
 */
import { openAiChatCodec, openAiResponsesCodec } from '@one-api/llm-codecs';
import type { CanonicalRequest, StreamEvent, UpstreamChannel } from '@one-api/llm-core';
import { SseParser } from '@one-api/llm-core';
import {
  predictResponsesUsage,
  REPLY_PREFIX,
  startFakeOpenAI,
  type FakeProvider,
} from '@one-api/llm-testing';
import { adapterForChannel } from '../registry';
import { openAiResponsesAdapter } from './adapter';

async function send(request: CanonicalRequest, channel: UpstreamChannel) {
  const built = openAiResponsesAdapter.buildRequest(request, channel);
  return fetch(built.url, { method: built.method, headers: built.headers, body: built.body });
}

async function complete(request: CanonicalRequest, channel: UpstreamChannel) {
  const res = await send(request, channel);
  const text = await res.text();
  if (res.status !== 200) throw openAiResponsesAdapter.parseError(res.status, text);
  return openAiResponsesAdapter.parseResponse(JSON.parse(text));
}

async function stream(request: CanonicalRequest, channel: UpstreamChannel): Promise<StreamEvent[]> {
  const res = await send({ ...request, stream: true }, channel);
  expect(res.status).toBe(200);
  const decoder = openAiResponsesAdapter.createStreamDecoder();
  const events: StreamEvent[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      events.push(...decoder.push(value));
    }
  } catch {
    // a cut connection: the decoder reports the incomplete stream
  }
  events.push(...decoder.end());
  return events;
}

const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('Responses adapter against the fake OpenAI', () => {
  let fake: FakeProvider;
  let channel: UpstreamChannel;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: 'sk-channel' });
    channel = { type: 50, baseUrl: fake.url, key: 'sk-channel', config: { api_format: 'response' } };
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('serves a Chat Completions client: text, usage and the request the upstream saw', async () => {
    expect(adapterForChannel(channel.type, channel.config)).toBe(openAiResponsesAdapter);
    const request = openAiChatCodec.decodeRequest({
      model: 'gpt-4.1',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello.' },
      ],
      max_tokens: 100,
    });
    const response = await complete(request, channel);
    const chat = openAiChatCodec.encodeResponse(response, { request }) as {
      choices: Array<{ message: { content: string }; finish_reason: string }>;
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    expect(chat.choices[0].message.content).toBe(`${REPLY_PREFIX}Say hello.`);
    expect(chat.choices[0].finish_reason).toBe('stop');
    const seen = fake.requests[0];
    expect(seen.path).toBe('/v1/responses');
    expect(seen.headers.authorization).toBe('Bearer sk-channel');
    expect(seen.body).toEqual({
      model: 'gpt-4.1',
      instructions: 'Be brief.',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hello.' }] }],
      max_output_tokens: 100,
      store: false,
    });
    const usage = predictResponsesUsage(seen.body as Record<string, unknown>);
    expect(chat.usage).toMatchObject({
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
    });
  });

  it('calls tools and answers tool history, streamed and not', async () => {
    const request = openAiChatCodec.decodeRequest({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
      tools: [weather],
    });
    const response = await complete(request, channel);
    expect(response.content).toEqual([
      {
        type: 'tool-call',
        id: expect.stringMatching(/^call_/),
        name: 'get_weather',
        arguments: '{"city":"sample city"}',
      },
    ]);
    expect(response.finishReason).toEqual({ reason: 'tool_calls', raw: 'completed' });

    const events = await stream(request, channel);
    expect(
      events.map((e) => e.type).filter((t, i, all) => t !== 'tool-call-delta' || all[i - 1] !== t),
    ).toEqual(['response-start', 'tool-call-start', 'tool-call-delta', 'tool-call-end', 'usage', 'finish']);

    const history = openAiChatCodec.decodeRequest({
      model: 'gpt-4.1',
      messages: [
        { role: 'user', content: 'What is the weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 12 C' },
      ],
      tools: [weather],
      stream: true,
    });
    const encoder = openAiChatCodec.createStreamEncoder({ request: history });
    const sse = (await stream(history, channel)).map((e) => encoder.encode(e)).join('') + encoder.finish();
    const parser = new SseParser();
    const chunks = [...parser.push(sse), ...parser.end()].map((e) => e.data);
    expect(chunks[chunks.length - 1]).toBe('[DONE]');
    const text = chunks
      .slice(0, -1)
      .map(
        (c) =>
          (JSON.parse(c) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ??
          '',
      )
      .join('');
    expect(text).toBe(`${REPLY_PREFIX}tool result: sunny, 12 C`);
  });

  it('serves a Responses client through the canonical model with the Responses event sequence', async () => {
    const request = openAiResponsesCodec.decodeRequest({
      model: 'o4-mini',
      input: 'Hi there',
      reasoning: { effort: 'low' },
      stream: true,
    });
    const encoder = openAiResponsesCodec.createStreamEncoder({ request });
    const sse = (await stream(request, channel)).map((e) => encoder.encode(e)).join('') + encoder.finish();
    const parser = new SseParser();
    const events = [...parser.push(sse), ...parser.end()].map(
      (e) => JSON.parse(e.data) as Record<string, unknown>,
    );
    expect(events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1])).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const completed = events[events.length - 1].response as {
      output: Array<{ content?: Array<{ text: string }> }>;
      usage: { output_tokens_details: { reasoning_tokens: number } };
    };
    expect(completed.output[0].content?.[0].text).toBe(`${REPLY_PREFIX}Hi there`);
    expect(completed.usage.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(fake.requests[0].body).toMatchObject({ reasoning: { effort: 'low' }, stream: true, store: false });
  });

  it('turns upstream errors and cut streams into gateway errors', async () => {
    const request = openAiChatCodec.decodeRequest({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'x' }],
    });
    fake.setFault('429');
    await expect(complete(request, channel)).rejects.toMatchObject({
      kind: 'rate-limit',
      status: 429,
      retryable: true,
    });
    fake.setFault('401');
    await expect(complete(request, channel)).rejects.toMatchObject({ kind: 'auth' });
    fake.setFault('cut:4');
    const events = await stream(request, channel);
    expect(events[events.length - 1]).toMatchObject({
      type: 'error',
      error: { kind: 'upstream', message: 'upstream stream ended before the response was complete' },
    });
  });
});
