import Anthropic from '@anthropic-ai/sdk';
import type { FakeProvider } from '../core/fake-server';
import type { AnthropicErrorBody } from './errors';
import { startFakeAnthropic } from './fake-anthropic';
import { messagesReply } from './reply';
import { ANTHROPIC_REPLY_PREFIX, ANTHROPIC_THINKING_PREFIX, fakeThinkingSignature } from './reply';
import { predictMessagesUsage } from './messages';
import type { MessagesRequest } from './types';

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a place',
  input_schema: {
    type: 'object' as const,
    properties: {
      location: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    },
    required: ['location', 'unit'],
  },
};
const timeTool = {
  name: 'get_time',
  input_schema: { type: 'object' as const, properties: { tz: { type: 'string' } } },
};

async function rawSse(fake: FakeProvider, body: unknown): Promise<string> {
  const res = await fetch(`${fake.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  return res.text();
}

describe('fake Anthropic: messages', () => {
  let fake: FakeProvider;
  let client: Anthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('answers non-stream with a message and deterministic usage', async () => {
    const params = {
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      system: 'You are terse.',
      messages: [{ role: 'user' as const, content: 'Say hi' }],
    };
    const message = await client.messages.create(params);
    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: `${ANTHROPIC_REPLY_PREFIX}Say hi` }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(message.usage).toEqual(predictMessagesUsage(params));
    expect(message.usage.input_tokens).toBe(
      Math.ceil('You are terse.'.length / 4) + Math.ceil('Say hi'.length / 4),
    );
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages', body: params });
  });

  it('streams the exact event sequence with event: lines', async () => {
    const sse = await rawSse(fake, {
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      stream: true,
      messages: [{ role: 'user', content: 'two words' }],
    });
    const frames = sse.split('\n\n').filter(Boolean);
    const names = frames.map((f) => /^event: (\w+)\ndata: /.exec(f)?.[1]);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array(`${ANTHROPIC_REPLY_PREFIX}two words`.split(' ').length).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(frames[2]).toBe('event: ping\ndata: {"type": "ping"}');
    const start = JSON.parse(frames[0].split('\ndata: ')[1]);
    expect(start.message.usage.output_tokens).toBe(1);
    expect(start.message.stop_reason).toBeNull();
  });

  it('streams to the SDK: text, final usage and stop reason', async () => {
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Tell me something' }],
    });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const message = await stream.finalMessage();
    expect(text).toBe(`${ANTHROPIC_REPLY_PREFIX}Tell me something`);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBe(Math.ceil(text.length / 4));
  });

  it('uses a forced tool without text and stop_reason tool_use, with input valid for the schema', async () => {
    const message = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      tools: [weatherTool, timeTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { location: 'sample location', unit: 'celsius' },
    });
    expect((message.content[0] as { id: string }).id).toMatch(/^toolu_01[A-Za-z0-9]{22}$/);
  });

  it('calls the tools the user text asks for after a short text, in order, unless parallel use is disabled', async () => {
    const params = {
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      tools: [weatherTool, timeTool],
      messages: [{ role: 'user' as const, content: 'call get_time and tell me the weather' }],
    };
    const message = await client.messages.create(params);
    expect(message.content.map((b) => b.type)).toEqual(['text', 'tool_use', 'tool_use']);
    expect(message.content[0]).toEqual({ type: 'text', text: 'I will call get_time, get_weather.' });
    expect(message.content.slice(1).map((b) => (b as { name: string }).name)).toEqual([
      'get_time',
      'get_weather',
    ]);
    const single = await client.messages.create({
      ...params,
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(single.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    const none = await client.messages.create({ ...params, tool_choice: { type: 'none' } });
    expect(none.content.map((b) => b.type)).toEqual(['text']);
    const any = await client.messages.create({
      ...params,
      messages: [{ role: 'user', content: 'anything' }],
      tool_choice: { type: 'any' },
    });
    expect(any.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'get_weather' })]);
  });

  it('streams tool_use with input_json_delta pieces the SDK assembles', async () => {
    const message = await client.messages
      .stream({
        model: 'claude-haiku-4-5',
        max_tokens: 256,
        tools: [weatherTool],
        tool_choice: { type: 'tool', name: 'get_weather' },
        messages: [{ role: 'user', content: 'weather?' }],
      })
      .finalMessage();
    expect(message.content).toEqual([
      expect.objectContaining({
        type: 'tool_use',
        name: 'get_weather',
        input: { location: 'sample location', unit: 'celsius' },
      }),
    ]);
  });

  it('answers tool results with text quoting them, and checks the tool_use / tool_result pairing', async () => {
    const first = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
    });
    const call = first.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    const second = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"temperature_c":15}' }],
        },
      ],
    });
    expect(second.content).toEqual([
      { type: 'text', text: `${ANTHROPIC_REPLY_PREFIX}tool result: {"temperature_c":15}` },
    ]);
    await expect(
      client.messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 256,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_other', content: 'x' }] },
        ],
      }),
    ).rejects.toMatchObject({
      status: 400,
      error: { type: 'error', error: { type: 'invalid_request_error' } },
    });
    await expect(
      client.messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 256,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: 'no results' },
        ],
      }),
    ).rejects.toThrow(/tool_use` ids were found without `tool_result` blocks/);
  });

  it('thinks first with a signature the fake verifies when the thinking block comes back', async () => {
    const params = {
      model: 'claude-sonnet-4-6',
      max_tokens: 4096,
      thinking: { type: 'enabled' as const, budget_tokens: 2048 },
      messages: [{ role: 'user' as const, content: 'Why is the sky blue?' }],
    };
    const message = await client.messages.stream(params).finalMessage();
    const thinking = `${ANTHROPIC_THINKING_PREFIX}Why is the sky blue?`;
    expect(message.content[0]).toEqual({
      type: 'thinking',
      thinking,
      signature: fakeThinkingSignature(thinking),
    });
    expect(message.content[1]).toEqual({
      type: 'text',
      text: `${ANTHROPIC_REPLY_PREFIX}Why is the sky blue?`,
    });
    expect(message.usage.output_tokens).toBe(predictMessagesUsage(params).output_tokens);
    const next = {
      ...params,
      messages: [
        ...params.messages,
        { role: 'assistant' as const, content: message.content as Anthropic.ContentBlockParam[] },
        { role: 'user' as const, content: 'And at sunset?' },
      ],
    };
    await expect(client.messages.create(next)).resolves.toMatchObject({ stop_reason: 'end_turn' });
    const tampered = structuredClone(next);
    (tampered.messages[1].content as Array<{ signature?: string }>)[0].signature = 'EqQBforged';
    await expect(client.messages.create(tampered)).rejects.toThrow(
      'messages.1.content.0: Invalid `signature` in `thinking` block',
    );
  });

  it('reports cache reads and writes when cache_control breakpoints are present', async () => {
    const params: MessagesRequest & Anthropic.MessageCreateParamsNonStreaming = {
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      tools: [{ ...weatherTool, cache_control: { type: 'ephemeral' } }],
      system: [
        {
          type: 'text',
          text: 'A long system prompt. '.repeat(50),
          cache_control: { type: 'ephemeral', ttl: '1h' },
        },
      ],
      messages: [{ role: 'user', content: 'hi' }],
    };
    const message = await client.messages.create(params);
    const tools = Math.ceil(JSON.stringify(weatherTool).length / 4);
    const system = Math.ceil('A long system prompt. '.repeat(50).length / 4);
    expect(message.usage).toEqual({
      input_tokens: 1,
      cache_creation_input_tokens: system,
      cache_read_input_tokens: tools,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: system },
      output_tokens: Math.ceil(`${ANTHROPIC_REPLY_PREFIX}hi`.length / 4),
      service_tier: 'standard',
    });
  });

  it('applies stop_sequences, max_tokens and a json_schema output format', async () => {
    const stopped = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      stop_sequences: ['fake'],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(stopped).toMatchObject({
      content: [{ type: 'text', text: 'Hello! This is ' }],
      stop_reason: 'stop_sequence',
      stop_sequence: 'fake',
    });
    const cut = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 2,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(cut).toMatchObject({ content: [{ type: 'text', text: 'Hello! T' }], stop_reason: 'max_tokens' });
    const reply = messagesReply({
      model: 'm',
      max_tokens: 100,
      output_config: {
        format: {
          type: 'json_schema',
          schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
        },
      },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(reply.content).toEqual([{ type: 'text', text: '{"n":1}' }]);
  });

  it('counts tokens and lists models', async () => {
    const params = {
      model: 'claude-haiku-4-5',
      system: 'abcd',
      messages: [{ role: 'user' as const, content: 'efgh' }],
    };
    await expect(client.messages.countTokens(params)).resolves.toEqual({ input_tokens: 2 });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('claude-haiku-4-5');
    await expect(client.models.retrieve('claude-sonnet-4-6')).resolves.toMatchObject({
      type: 'model',
      id: 'claude-sonnet-4-6',
      display_name: 'Claude Sonnet 4.6',
    });
    await expect(client.models.retrieve('nope')).rejects.toMatchObject({ status: 404 });
  });
});

describe('fake Anthropic: auth and validation', () => {
  let fake: FakeProvider;

  beforeAll(async () => {
    fake = await startFakeAnthropic({ apiKey: 'sk-ant-right' });
  });
  afterAll(() => fake.close());

  const post = (headers: Record<string, string>, body: unknown) =>
    fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const ok = { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

  it('answers 401 in Anthropic shape without a key or with a wrong one, and accepts x-api-key or Bearer', async () => {
    const missing = await post({ 'anthropic-version': '2023-06-01' }, ok);
    expect(missing.status).toBe(401);
    expect((await missing.json()) as AnthropicErrorBody).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
      request_id: expect.stringMatching(/^req_/),
    });
    const wrong = await post({ 'x-api-key': 'sk-ant-wrong', 'anthropic-version': '2023-06-01' }, ok);
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as AnthropicErrorBody).error).toEqual({
      type: 'authentication_error',
      message: 'invalid x-api-key',
    });
    expect((await post({ 'x-api-key': 'sk-ant-right', 'anthropic-version': '2023-06-01' }, ok)).status).toBe(
      200,
    );
    const sdk = new Anthropic({ apiKey: 'sk-ant-right', baseURL: fake.url, maxRetries: 0 });
    await expect(
      sdk.messages.create({ ...ok, messages: [{ role: 'user', content: 'hi' }] }),
    ).resolves.toMatchObject({
      type: 'message',
    });
    const wrongSdk = new Anthropic({ apiKey: 'sk-ant-nope', baseURL: fake.url, maxRetries: 0 });
    await expect(
      wrongSdk.messages.create({ ...ok, messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it.each([
    [{ ...ok, max_tokens: undefined }, 'max_tokens: Field required'],
    [{ ...ok, model: undefined }, 'model: Field required'],
    [{ ...ok, messages: [] }, 'messages: at least one message is required'],
    [{ ...ok, messages: [{ role: 'system', content: 'x' }] }, /Unexpected role "system"/],
    [
      { ...ok, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 4000 } },
      /`max_tokens` must be greater than `thinking.budget_tokens`/,
    ],
    [
      { ...ok, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 500 } },
      /greater than or equal to 1024/,
    ],
    [
      { ...ok, max_tokens: 4000, temperature: 0.5, thinking: { type: 'enabled', budget_tokens: 1024 } },
      /`temperature` may only be set to 1/,
    ],
    [
      { ...ok, max_tokens: 4000, top_k: 5, thinking: { type: 'enabled', budget_tokens: 1024 } },
      /`top_k` is not supported/,
    ],
    [
      {
        ...ok,
        max_tokens: 4000,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        tools: [weatherTool],
        tool_choice: { type: 'any' },
      },
      'Thinking may not be enabled when tool_choice forces tool use.',
    ],
    [
      { ...ok, temperature: 0.7, top_p: 0.9 },
      '`temperature` and `top_p` cannot both be specified for this model. Please use only one.',
    ],
    [
      { ...ok, model: 'claude-opus-4-1-20250805', temperature: 0.7, top_p: 0.9 },
      '`temperature` and `top_p` cannot both be specified for this model. Please use only one.',
    ],
    [{ ...ok, tools: [{ name: 'x' }] }, 'tools.0.custom.input_schema: Field required'],
    [
      {
        ...ok,
        messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: '' }] }],
      },
      'messages.0.content.0.thinking.signature: Field required',
    ],
  ])('answers 400 invalid_request_error for %j', async (body, message) => {
    const res = await post({ 'x-api-key': 'sk-ant-right', 'anthropic-version': '2023-06-01' }, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as AnthropicErrorBody;
    expect(json.error.type).toBe('invalid_request_error');
    expect(json.error.message).toMatch(message);
  });

  it.each([
    ['claude-3-7-sonnet-20250219', { temperature: 0.7, top_p: 0.9 }],
    ['claude-sonnet-4-20250514', { temperature: 0.7, top_p: 0.9 }],
    ['claude-opus-4-20250514', { temperature: 0.7, top_p: 0.9 }],
    ['claude-haiku-4-5', { temperature: 0.7 }],
    ['claude-sonnet-4-5', { top_p: 0.9 }],
  ])('accepts %s with %j', async (model, sampling) => {
    const res = await post(
      { 'x-api-key': 'sk-ant-right', 'anthropic-version': '2023-06-01' },
      { ...ok, model, ...sampling },
    );
    expect(res.status).toBe(200);
  });

  it('requires anthropic-version, valid JSON, and answers 404 for unknown paths', async () => {
    const noVersion = await post({ 'x-api-key': 'sk-ant-right' }, ok);
    expect(noVersion.status).toBe(400);
    expect(((await noVersion.json()) as AnthropicErrorBody).error.message).toBe(
      'anthropic-version: header is required',
    );
    const badJson = await post({ 'x-api-key': 'sk-ant-right', 'anthropic-version': '2023-06-01' }, '{oops');
    expect(badJson.status).toBe(400);
    const unknown = await fetch(`${fake.url}/v1/complete`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as AnthropicErrorBody).error.type).toBe('not_found_error');
  });
});
