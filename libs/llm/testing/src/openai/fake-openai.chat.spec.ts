import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { FakeProvider } from '../core/fake-server';
import { REPLY_PREFIX } from './chat-reply';
import { predictChatUsage } from './chat';
import type { OpenAIErrorBody } from './errors';
import { startFakeOpenAI } from './fake-openai';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a place',
    parameters: {
      type: 'object',
      properties: {
        location: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
      },
      required: ['location', 'unit'],
      additionalProperties: false,
    },
  },
};
const timeTool = {
  type: 'function' as const,
  function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } },
};

describe('fake OpenAI: chat completions', () => {
  let fake: FakeProvider;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('binds 127.0.0.1 on a free port', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.port).toBeGreaterThan(0);
  });

  it('answers non-stream with a chat.completion and deterministic usage', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hi' },
      ],
    });
    expect(res.object).toBe('chat.completion');
    expect(res.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(res.model).toBe('gpt-4o-mini');
    expect(typeof res.created).toBe('number');
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', logprobs: null });
    expect(res.choices[0].message).toEqual({
      role: 'assistant',
      content: 'Hello! This is fake-openai answering: Say hi',
      refusal: null,
      annotations: [],
    });
    // 20 characters of message text → 5 tokens; the 44-character reply → 11 tokens.
    expect(res.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 11, total_tokens: 16 });
    expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(res.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
  });

  it('counts image parts as 85 tokens and truncates long quotes', async () => {
    const long = 'x'.repeat(150);
    const body = {
      model: 'gpt-4o',
      messages: [
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: long },
            { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ],
    };
    const res = await client.chat.completions.create(body);
    expect(res.choices[0].message.content).toBe(`${REPLY_PREFIX}${'x'.repeat(100)}...`);
    expect(res.usage?.prompt_tokens).toBe(Math.ceil(150 / 4) + 85);
    expect(res.usage).toMatchObject(predictChatUsage(body));
  });

  it('honours max_tokens (finish_reason length) and stop sequences', async () => {
    const cut = await client.chat.completions.create({
      model: 'gpt-4o',
      max_tokens: 3,
      messages: [{ role: 'user', content: 'Tell me a long story' }],
    });
    expect(cut.choices[0].message.content).toBe('Hello! This ');
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(cut.usage?.completion_tokens).toBe(3);

    const stopped = await client.chat.completions.create({
      model: 'gpt-4o',
      stop: ['fake'],
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(stopped.choices[0].message.content).toBe('Hello! This is ');
    expect(stopped.choices[0].finish_reason).toBe('stop');
  });

  it('streams chat.completion.chunk events with a final usage chunk when include_usage is set', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Stream me please' }],
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gpt-4o')).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });

    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    // 16 characters → 4 prompt tokens; the 54-character reply → 14 completion tokens.
    expect(last.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 14, total_tokens: 18 });
    const body = chunks.slice(0, -1);
    expect(body.every((c) => c.usage === null)).toBe(true);
    expect(body[body.length - 1].choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const text = body.map((c) => c.choices[0].delta.content ?? '').join('');
    expect(text).toBe('Hello! This is fake-openai answering: Stream me please');
    // One word per content chunk.
    expect(body.length).toBe(1 + 8 + 1);
  });

  it('writes byte-exact SSE: "data: <json>\\n\\n" per event, then "data: [DONE]\\n\\n"', async () => {
    const res = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const raw = await res.text();
    expect(raw.endsWith('\n\ndata: [DONE]\n\n')).toBe(true);
    const events = raw.split('\n\n');
    expect(events.pop()).toBe('');
    expect(events.pop()).toBe('data: [DONE]');
    for (const e of events) {
      expect(e.startsWith('data: {')).toBe(true);
      expect(e.includes('\n')).toBe(false);
      const chunk = JSON.parse(e.slice('data: '.length));
      // Without include_usage there is no usage key at all.
      expect('usage' in chunk).toBe(false);
      expect(Object.keys(chunk)).toEqual([
        'id',
        'object',
        'created',
        'model',
        'service_tier',
        'system_fingerprint',
        'choices',
      ]);
    }
  });

  it('flushes stream events one write at a time', async () => {
    const fast = await startFakeOpenAI({ chunkDelayMs: 40 });
    try {
      const res = await fetch(`${fast.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer k' },
        body: JSON.stringify({
          model: 'm',
          stream: true,
          messages: [{ role: 'user', content: 'one two three' }],
        }),
      });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      // The first read holds exactly the first event: the rest has not been written yet.
      expect(first.split('\n\n').filter((e) => e !== '')).toHaveLength(1);
      expect(first).toContain('"role":"assistant"');
      await reader.cancel();
    } finally {
      await fast.close();
    }
  });

  describe('tools', () => {
    it('calls the function tool_choice forces, with schema-valid arguments and finish_reason stop', async () => {
      const res = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Hello' }],
        tools: [timeTool, weatherTool],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      });
      const choice = res.choices[0];
      expect(choice.finish_reason).toBe('stop');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls).toHaveLength(1);
      const call = choice.message.tool_calls?.[0];
      if (call?.type !== 'function') throw new Error('expected a function tool call');
      expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
      expect(call.function.name).toBe('get_weather');
      expect(JSON.parse(call.function.arguments)).toEqual({
        location: 'sample location',
        unit: 'celsius',
        days: 1,
      });
      expect(res.usage?.completion_tokens).toBe(
        Math.ceil(('get_weather' + call.function.arguments).length / 4),
      );
    });

    it('calls get_weather when the user mentions the weather, and "call <name>" tools in order', async () => {
      const weather = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: "What's the weather in Paris?" }],
        tools: [timeTool, weatherTool],
      });
      expect(weather.choices[0].finish_reason).toBe('tool_calls');
      expect(
        weather.choices[0].message.tool_calls?.map((c) => (c.type === 'function' ? c.function.name : '')),
      ).toEqual(['get_weather']);

      const both = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Please call get_time, then check the weather' }],
        tools: [weatherTool, timeTool],
      });
      expect(
        both.choices[0].message.tool_calls?.map((c) => (c.type === 'function' ? c.function.name : '')),
      ).toEqual(['get_time', 'get_weather']);

      const single = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Please call get_time, then check the weather' }],
        tools: [weatherTool, timeTool],
        parallel_tool_calls: false,
      });
      expect(single.choices[0].message.tool_calls).toHaveLength(1);
    });

    it('answers text when no tool is asked for, for tool_choice none, and after a tool result', async () => {
      const plain = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Just chat' }],
        tools: [weatherTool],
      });
      expect(plain.choices[0].message.tool_calls).toBeUndefined();
      expect(plain.choices[0].message.content).toBe(`${REPLY_PREFIX}Just chat`);

      const none = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'weather?' }],
        tools: [weatherTool],
        tool_choice: 'none',
      });
      expect(none.choices[0].finish_reason).toBe('stop');
      expect(none.choices[0].message.content).toBe(`${REPLY_PREFIX}weather?`);

      const after = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18C and sunny' },
        ],
        tools: [weatherTool],
      });
      expect(after.choices[0].message.content).toBe(`${REPLY_PREFIX}tool result: 18C and sunny`);
      // "weather in Paris?" + "get_weather" + '{"location":"Paris"}' + "18C and sunny" = 17 + 11 + 20 + 13 = 61 chars.
      expect(after.usage?.prompt_tokens).toBe(16);
    });

    it('falls back to the first tool for tool_choice required', async () => {
      const res = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'anything' }],
        tools: [timeTool, weatherTool],
        tool_choice: 'required',
      });
      expect(res.choices[0].finish_reason).toBe('tool_calls');
      const call = res.choices[0].message.tool_calls?.[0];
      expect(call?.type === 'function' && call.function.name).toBe('get_time');
    });

    it('streams tool calls in a shape the SDK stream helper assembles', async () => {
      const runner = client.chat.completions.stream({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'call get_time and tell me the weather' }],
        tools: [weatherTool, timeTool],
        stream_options: { include_usage: true },
      });
      const final = await runner.finalChatCompletion();
      const calls = final.choices[0].message.tool_calls ?? [];
      expect(final.choices[0].finish_reason).toBe('tool_calls');
      expect(calls.map((c) => (c.type === 'function' ? c.function.name : ''))).toEqual([
        'get_time',
        'get_weather',
      ]);
      for (const c of calls) {
        if (c.type !== 'function') throw new Error('expected function calls');
        expect(c.id).toMatch(/^call_/);
        expect(() => JSON.parse(c.function.arguments)).not.toThrow();
      }
      const weatherArgs = calls[1].type === 'function' ? JSON.parse(calls[1].function.arguments) : undefined;
      expect(weatherArgs).toEqual({ location: 'sample location', unit: 'celsius', days: 1 });
      expect(final.usage?.completion_tokens).toBe(
        Math.ceil(
          calls.map((c) => (c.type === 'function' ? c.function.name + c.function.arguments : '')).join('')
            .length / 4,
        ),
      );
    });
  });

  it('answers response_format json_schema with JSON valid for the schema', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Give me a person' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              age: { type: 'integer', minimum: 18 },
              tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
              role: { anyOf: [{ type: 'null' }, { type: 'string', enum: ['admin', 'user'] }] },
            },
            required: ['name', 'age', 'tags', 'role'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(JSON.parse(res.choices[0].message.content ?? '')).toEqual({
      name: 'sample name',
      age: 18,
      tags: ['sample tags', 'sample tags 2'],
      role: 'admin',
    });
  });

  describe('errors in OpenAI error JSON', () => {
    const post = (
      path: string,
      body: string,
      headers: Record<string, string> = { authorization: 'Bearer k' },
    ) =>
      fetch(`${fake.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });

    it('404 for an unknown path', async () => {
      const res = await post('/v1/nothing', '{}');
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: {
          message: 'Invalid URL (POST /v1/nothing)',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
      await expect(client.get('/nothing')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    });

    it('400 for invalid JSON', async () => {
      const res = await post('/v1/chat/completions', '{"model": ');
      expect(res.status).toBe(400);
      const body = (await res.json()) as OpenAIErrorBody;
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
      expect(body.error.message).toMatch(/could not parse the JSON body/);
    });

    it('401 without a bearer key', async () => {
      const res = await post('/v1/chat/completions', '{}', {});
      expect(res.status).toBe(401);
      expect(((await res.json()) as OpenAIErrorBody).error.message).toMatch(/You didn't provide an API key/);
    });

    it('400 for missing parameters and stream_options without stream', async () => {
      const missing = client.chat.completions.create({ model: 'gpt-4o' } as never);
      await expect(missing).rejects.toBeInstanceOf(OpenAI.BadRequestError);
      await expect(missing).rejects.toMatchObject({
        status: 400,
        code: 'missing_required_parameter',
        param: 'messages',
      });
      await expect(
        client.chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'x' }],
          stream_options: { include_usage: true },
        }),
      ).rejects.toMatchObject({ status: 400, param: 'stream_options' });
    });

    it('401 invalid_api_key when the key is not the configured one', async () => {
      const strict = await startFakeOpenAI({ apiKey: 'sk-right' });
      try {
        const wrong = new OpenAI({ apiKey: 'sk-wrong-key-123', baseURL: `${strict.url}/v1`, maxRetries: 0 });
        const call = wrong.chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'x' }],
        });
        await expect(call).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
        await expect(call).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
        const right = new OpenAI({ apiKey: 'sk-right', baseURL: `${strict.url}/v1`, maxRetries: 0 });
        const ok = await right.chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'x' }],
        });
        expect(ok.choices[0].message.content).toBe(`${REPLY_PREFIX}x`);
      } finally {
        await strict.close();
      }
    });
  });
});
