import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { SseParser } from '@one-api/llm-core';
import type { FakeProvider } from '../core/fake-server';
import { REPLY_PREFIX } from './chat-reply';
import { startFakeOpenAI } from './fake-openai';
import {
  predictResponsesUsage,
  REASONING_PREFIX,
  responsesMessages,
  type ResponsesRequest,
} from './responses';

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Get the weather',
  strict: true,
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['location', 'unit'],
    additionalProperties: false,
  },
};

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Raw SSE of a streamed request: event names, parsed data, and the text itself. */
async function rawStream(url: string, body: ResponsesRequest) {
  const res = await fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  const text = await res.text();
  const parser = new SseParser();
  const events = [...parser.push(text), ...parser.end()].map((e) => ({
    event: e.event,
    data: JSON.parse(e.data) as Record<string, unknown>,
  }));
  return { res, text, events };
}

describe('fake OpenAI: Responses API', () => {
  let fake: FakeProvider;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('answers a text response with output items, echoed settings and predictable usage', async () => {
    const body = {
      model: 'gpt-4.1',
      input: 'Say hello in one sentence.',
      instructions: 'Be brief.',
      temperature: 0.5,
    };
    const res = await client.responses.create(body);
    expect(res.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(res).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4.1',
      instructions: 'Be brief.',
      temperature: 0.5,
      store: true,
      error: null,
      incomplete_details: null,
      tool_choice: 'auto',
      tools: [],
    });
    expect(res.output).toEqual([
      {
        id: expect.stringMatching(/^msg_[0-9a-f]{48}$/),
        type: 'message',
        status: 'completed',
        content: [
          {
            type: 'output_text',
            annotations: [],
            logprobs: [],
            text: `${REPLY_PREFIX}Say hello in one sentence.`,
          },
        ],
        role: 'assistant',
      },
    ]);
    expect(res.output_text).toBe(`${REPLY_PREFIX}Say hello in one sentence.`);
    // "Be brief." + "Say hello in one sentence." = 35 chars → 9 tokens; the 64-character reply → 16 tokens.
    expect(res.usage).toEqual({
      input_tokens: 9,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 16,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 25,
    });
    expect(predictResponsesUsage(body)).toEqual(res.usage);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/responses', body });
  });

  it('calls a function tool, then answers its output', async () => {
    const first = await client.responses.create({
      model: 'gpt-4.1',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris?' }] }],
      tools: [weatherTool],
    });
    expect(first.status).toBe('completed');
    expect(first.output).toEqual([
      {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        status: 'completed',
        arguments: '{"location":"sample location","unit":"celsius"}',
        call_id: expect.stringMatching(/^call_/),
        name: 'get_weather',
      },
    ]);
    const call = first.output[0] as { call_id: string; arguments: string; name: string };
    const second = await client.responses.create({
      model: 'gpt-4.1',
      input: [
        { role: 'user', content: 'What is the weather in Paris?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: '{"temperature_c":15}' },
      ],
      tools: [weatherTool],
    });
    expect(second.output_text).toBe(`${REPLY_PREFIX}tool result: {"temperature_c":15}`);
  });

  it('forces a tool with tool_choice, answers custom tools with custom_tool_call, honours parallel_tool_calls', async () => {
    const forced = await client.responses.create({
      model: 'gpt-5',
      input: 'hi',
      tools: [weatherTool],
      tool_choice: { type: 'function', name: 'get_weather' },
    });
    expect(forced.output.map((item) => item.type)).toEqual(['function_call']);
    const custom = await client.responses.create({
      model: 'gpt-5-codex',
      input: 'call apply_patch and call get_weather',
      tools: [{ type: 'custom', name: 'apply_patch', description: 'patch' }, weatherTool],
      parallel_tool_calls: true,
    });
    expect(custom.output).toEqual([
      {
        id: expect.stringMatching(/^ctc_/),
        type: 'custom_tool_call',
        call_id: expect.any(String),
        input: 'sample input',
        name: 'apply_patch',
      },
      expect.objectContaining({ type: 'function_call', name: 'get_weather' }),
    ]);
    const single = await client.responses.create({
      model: 'gpt-5-codex',
      input: 'call apply_patch and call get_weather',
      tools: [{ type: 'custom', name: 'apply_patch' }, weatherTool],
      parallel_tool_calls: false,
    });
    expect(single.output.map((item) => item.type)).toEqual(['custom_tool_call']);
  });

  it('adds a reasoning item with summary and encrypted content when reasoning is requested', async () => {
    const body: ResponsesRequest = {
      model: 'o4-mini',
      input: 'Why is the sky blue?',
      reasoning: { effort: 'low', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
    };
    const res = await client.responses.create(body as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    const reasoning = `${REASONING_PREFIX}Why is the sky blue?`;
    expect(res.output[0]).toEqual({
      id: expect.stringMatching(/^rs_/),
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: reasoning }],
      encrypted_content: `enc_${Buffer.from(reasoning).toString('base64')}`,
    });
    expect(res.output[1].type).toBe('message');
    expect(res.usage?.output_tokens_details.reasoning_tokens).toBe(Math.ceil(reasoning.length / 4));
    expect(res.usage).toEqual(predictResponsesUsage(body));
    const quiet = await client.responses.create({
      model: 'o4-mini',
      input: 'x',
      reasoning: { effort: 'low' },
    });
    expect(quiet.output[0]).toMatchObject({ type: 'reasoning', summary: [] });
    expect(quiet.output[0]).not.toHaveProperty('encrypted_content');
    const off = await client.responses.create({ model: 'gpt-5', input: 'x', reasoning: { effort: 'none' } });
    expect(off.output.map((item) => item.type)).toEqual(['message']);
  });

  it('answers structured output and reports a max_output_tokens cut as incomplete', async () => {
    const json = await client.responses.create({
      model: 'gpt-4.1',
      input: 'Classify: cats',
      text: {
        format: {
          type: 'json_schema',
          name: 'topic_classification',
          strict: true,
          schema: {
            type: 'object',
            properties: { topic: { type: 'string' }, confidence: { type: 'number' } },
            required: ['topic', 'confidence'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(JSON.parse(json.output_text)).toEqual({ topic: 'sample topic', confidence: 1 });
    const cut = await client.responses.create({
      model: 'gpt-4.1',
      input: 'Tell me a story',
      max_output_tokens: 3,
    });
    expect(cut).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      max_output_tokens: 3,
    });
    expect(cut.output[0]).toMatchObject({ status: 'incomplete', content: [{ text: 'Hello! This ' }] });
  });

  it('streams the full event sequence with event names and sequence numbers, without [DONE]', async () => {
    const { res, text, events } = await rawStream(fake.url, {
      model: 'o4-mini',
      input: 'Hi there',
      reasoning: { effort: 'low', summary: 'detailed' },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(text).not.toContain('[DONE]');
    events.forEach((e, i) => {
      expect(e.data.type).toBe(e.event);
      expect(e.data.sequence_number).toBe(i);
    });
    const names = events
      .map((e) => e.event)
      .filter((name, i, all) => !name.endsWith('.delta') || all[i - 1] !== name);
    expect(names).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const deltas = events.filter((e) => e.event === 'response.output_text.delta');
    expect(deltas.map((e) => e.data.delta).join('')).toBe(`${REPLY_PREFIX}Hi there`);
    expect(deltas.every((e) => typeof e.data.obfuscation === 'string')).toBe(true);
    const created = events[0].data.response as Record<string, unknown>;
    expect(created).toMatchObject({ status: 'in_progress', output: [], usage: null, service_tier: 'auto' });
    const completed = events[events.length - 1].data.response as Record<string, unknown>;
    expect(completed).toMatchObject({ status: 'completed', id: created.id, service_tier: 'default' });
    expect(completed.usage).toEqual(
      predictResponsesUsage({
        model: 'o4-mini',
        input: 'Hi there',
        reasoning: { effort: 'low', summary: 'detailed' },
      }),
    );
  });

  it('streams through the official SDK: create({stream}) events and the strict responses.stream() helper', async () => {
    const stream = await client.responses.create({
      model: 'gpt-4.1',
      input: 'call get_weather for Paris',
      tools: [weatherTool],
      stream: true,
      stream_options: { include_obfuscation: false },
    });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const args = events
      .filter(
        (e): e is Extract<ResponseStreamEvent, { type: 'response.function_call_arguments.delta' }> =>
          e.type === 'response.function_call_arguments.delta',
      )
      .map((e) => e.delta)
      .join('');
    expect(args).toBe('{"location":"sample location","unit":"celsius"}');
    expect(events.some((e) => 'obfuscation' in e)).toBe(false);
    expect(events[events.length - 1].type).toBe('response.completed');

    const helper = client.responses.stream({ model: 'gpt-4.1', input: 'Hello stream', tools: [weatherTool] });
    let text = '';
    helper.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await helper.finalResponse();
    expect(text).toBe(`${REPLY_PREFIX}Hello stream`);
    expect(final.output).toEqual([
      expect.objectContaining({
        type: 'message',
        content: [expect.objectContaining({ text: `${REPLY_PREFIX}Hello stream` })],
      }),
    ]);
    expect(final.status).toBe('completed');

    const incomplete = await rawStream(fake.url, {
      model: 'gpt-4.1',
      input: 'Tell me a story',
      max_output_tokens: 2,
    });
    expect(incomplete.events[incomplete.events.length - 1].event).toBe('response.incomplete');
  });

  it('stores responses: retrieve, delete, and continue with previous_response_id', async () => {
    const first = await client.responses.create({ model: 'gpt-4.1', input: 'Remember the number 42.' });
    expect(await client.responses.retrieve(first.id)).toEqual(first);
    const followUp = { model: 'gpt-4.1', input: 'Which number?', previous_response_id: first.id };
    const second = await client.responses.create(followUp);
    expect(second.previous_response_id).toBe(first.id);
    const previous = [
      ...responsesMessages({ model: 'gpt-4.1', input: 'Remember the number 42.' }),
      { role: 'assistant', content: first.output_text },
    ];
    expect(second.usage).toEqual(predictResponsesUsage(followUp, previous));
    expect(second.usage!.input_tokens).toBeGreaterThan(
      predictResponsesUsage({ model: 'gpt-4.1', input: 'Which number?' }).input_tokens,
    );

    const raw = await fetch(`${fake.url}/v1/responses/${first.id}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer k' },
    });
    expect(await raw.json()).toEqual({ id: first.id, object: 'response.deleted', deleted: true });
    const gone = (await caught(client.responses.retrieve(first.id))) as InstanceType<
      typeof OpenAI.NotFoundError
    >;
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
    expect(gone.message).toContain(`Response with id '${first.id}' not found.`);
    await client.responses.delete(second.id);
    expect(await caught(client.responses.retrieve(second.id))).toBeInstanceOf(OpenAI.NotFoundError);

    const unstored = await client.responses.create({ model: 'gpt-4.1', input: 'x', store: false });
    expect((unstored as unknown as { store: boolean }).store).toBe(false);
    expect(await caught(client.responses.retrieve(unstored.id))).toBeInstanceOf(OpenAI.NotFoundError);
    const missing = (await caught(
      client.responses.create({ model: 'gpt-4.1', input: 'x', previous_response_id: unstored.id }),
    )) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(missing).toBeInstanceOf(OpenAI.BadRequestError);
    expect(missing).toMatchObject({ param: 'previous_response_id', code: 'previous_response_not_found' });
  });

  it('validates the body and applies faults like the other endpoints', async () => {
    const noInput = (await caught(client.responses.create({ model: 'gpt-4.1' }))) as InstanceType<
      typeof OpenAI.BadRequestError
    >;
    expect(noInput).toMatchObject({ status: 400, param: 'input', code: 'missing_required_parameter' });
    // a Claude-style forced tool is not a Responses tool_choice
    const claudeChoice = (await caught(
      client.responses.create({
        model: 'gpt-4.1',
        input: 'weather?',
        tools: [weatherTool],
        tool_choice: { type: 'tool', name: 'get_weather' } as never,
      }),
    )) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(claudeChoice).toMatchObject({ status: 400, param: 'tool_choice.type', code: 'invalid_value' });
    const badMode = (await caught(
      client.responses.create({ model: 'gpt-4.1', input: 'x', tool_choice: 'any' as never }),
    )) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(badMode).toMatchObject({ status: 400, param: 'tool_choice', code: 'invalid_value' });
    fake.setFault('429');
    expect(await caught(client.responses.create({ model: 'gpt-4.1', input: 'x' }))).toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    fake.setFault('cut:3');
    const cut = await fetch(`${fake.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', input: 'hello there', stream: true }),
    });
    const reader = (cut.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    let broke = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += new TextDecoder().decode(value);
      }
    } catch {
      broke = true;
    }
    expect(broke).toBe(true);
    expect(received.match(/^event: /gm)).toHaveLength(3);
  });
});
