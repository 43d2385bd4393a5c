import Anthropic from '@anthropic-ai/sdk';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import {
  ANTHROPIC_REPLY_PREFIX,
  ANTHROPIC_THINKING_PREFIX,
  GEMINI_REPLY_PREFIX,
  REPLY_PREFIX,
  type RecordedRequest,
} from '@one-api/llm-testing';
import {
  billedRequests,
  CHANNELS,
  expectBilled,
  type Gateway,
  type Protocol,
  startGateway,
  type TokenCounts,
  upstreamUsage,
} from './client-fixtures';

/**
 * The official SDKs and the Vercel AI SDK (OpenCode's setup) against the gateway, with the model behind each on a
 * channel of every upstream protocol (fake providers). Each test checks the reply the client got, the native request
 * the provider received, the usage the client saw, and one consume log per gateway request billed with the
 * provider's usage.
 */
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const PREFIX: Record<Protocol, string> = {
  openai: REPLY_PREFIX,
  'openai-responses': REPLY_PREFIX,
  anthropic: ANTHROPIC_REPLY_PREFIX,
  gemini: GEMINI_REPLY_PREFIX,
};

/** The native endpoint each protocol's provider is called on. */
const UPSTREAM_PATH: Record<Protocol, RegExp> = {
  openai: /^\/v1\/chat\/completions$/,
  'openai-responses': /^\/v1\/responses$/,
  anthropic: /^\/v1\/messages$/,
  gemini: /^\/v1beta\/models\/gemini-2\.5-flash:(streamGenerateContent|generateContent)$/,
};

/** a 1×1 PNG */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const WEATHER_SCHEMA = {
  type: 'object' as const,
  properties: { location: { type: 'string' as const, description: 'City name' } },
  required: ['location'],
};

describe.each(Object.values(CHANNELS))('real clients, model on a $protocol channel', (spec) => {
  const { protocol, model } = spec;
  let g: Gateway;

  beforeAll(async () => {
    g = await startGateway();
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(() => g.reset());

  const upstream = (): RecordedRequest[] => g.fake(protocol).requests.filter((r) => r.method === 'POST');
  const lastUpstream = (): RecordedRequest => upstream()[upstream().length - 1];
  const lastUsage = (): TokenCounts => upstreamUsage(lastUpstream());
  const expectNativeRequests = (stream: boolean) => {
    for (const r of upstream()) {
      expect(r.path).toMatch(UPSTREAM_PATH[protocol]);
      if (protocol === 'gemini') expect(r.path.includes('stream')).toBe(stream);
      else expect((r.body as { stream?: boolean }).stream === true).toBe(stream);
    }
  };
  /** the tool declarations the provider received, in its own shape */
  const upstreamToolNames = (r: RecordedRequest): string[] => {
    const body = r.body as Record<string, unknown>;
    if (protocol === 'gemini')
      return ((body.tools as Array<{ functionDeclarations?: Array<{ name: string }> }>) ?? []).flatMap((t) =>
        (t.functionDeclarations ?? []).map((d) => d.name),
      );
    return ((body.tools as Array<{ name?: string; function?: { name: string } }>) ?? []).map(
      (t) => t.name ?? t.function?.name ?? '',
    );
  };

  describe('openai SDK', () => {
    let client: OpenAI;
    beforeAll(() => {
      client = new OpenAI({ apiKey: g.key, baseURL: `${g.proxy.url}/v1`, maxRetries: 0 });
    });

    it('chat completion', async () => {
      const completion = await client.chat.completions.create({
        model,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello to the SDK.' },
        ],
      });
      expect(completion.choices[0].message.content).toBe(`${PREFIX[protocol]}Say hello to the SDK.`);
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(completion.model).toBe(model);
      const usage = lastUsage();
      expect(completion.usage).toMatchObject({ prompt_tokens: usage.input, completion_tokens: usage.output });
      expectNativeRequests(false);
      expect(g.proxy.requests[0].headers.authorization).toBe(`Bearer ${g.key}`);
      const [log] = await expectBilled(g, spec);
      expect(log).toMatchObject({ is_stream: false, token_name: 'clients' });
    });

    it('chat completion stream with include_usage', async () => {
      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Stream a few words.' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | undefined;
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe(`${PREFIX[protocol]}Stream a few words.`);
      expect(finish).toBe('stop');
      expect(usage).toMatchObject({
        prompt_tokens: lastUsage().input,
        completion_tokens: lastUsage().output,
      });
      expectNativeRequests(true);
      const [log] = await expectBilled(g, spec);
      expect(log.is_stream).toBe(true);
    });

    it('chat tool call, then the tool result', async () => {
      const tools: OpenAI.ChatCompletionTool[] = [
        { type: 'function', function: { name: 'get_weather', parameters: WEATHER_SCHEMA } },
      ];
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: 'user', content: 'What is the weather in Paris?' },
      ];
      const first = await client.chat.completions.create({ model, messages, tools });
      const call = first.choices[0].message.tool_calls?.[0];
      expect(first.choices[0].finish_reason).toBe('tool_calls');
      expect(call?.type === 'function' && call.function.name).toBe('get_weather');
      expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
        location: 'sample location',
      });
      expect(upstreamToolNames(upstream()[0])).toEqual(['get_weather']);
      expect(first.usage?.completion_tokens).toBe(upstreamUsage(upstream()[0]).output);

      messages.push(first.choices[0].message, {
        role: 'tool',
        tool_call_id: call!.id,
        content: 'Sunny, 21 C',
      });
      const second = await client.chat.completions.create({ model, messages, tools });
      expect(second.choices[0].message.content).toBe(`${PREFIX[protocol]}tool result: Sunny, 21 C`);
      expect(second.usage?.prompt_tokens).toBe(lastUsage().input);
      expect(await expectBilled(g, spec)).toHaveLength(2);
    });

    it('responses', async () => {
      const response = await client.responses.create({
        model,
        instructions: 'Be brief.',
        input: 'Say hello to Responses.',
      });
      expect(response.status).toBe('completed');
      expect(response.output_text).toBe(`${PREFIX[protocol]}Say hello to Responses.`);
      expect(response.usage).toMatchObject({
        input_tokens: lastUsage().input,
        output_tokens: lastUsage().output,
      });
      expectNativeRequests(false);
      await expectBilled(g, spec);
    });

    it('responses stream', async () => {
      const stream = await client.responses.create({ model, input: 'Stream Responses words.', stream: true });
      let text = '';
      let completed: OpenAI.Responses.Response | undefined;
      const types = new Set<string>();
      let sequence = -1;
      for await (const event of stream) {
        types.add(event.type);
        expect(event.sequence_number).toBe(sequence + 1);
        sequence = event.sequence_number;
        if (event.type === 'response.output_text.delta') text += event.delta;
        if (event.type === 'response.completed') completed = event.response;
      }
      expect(text).toBe(`${PREFIX[protocol]}Stream Responses words.`);
      expect([...types]).toEqual(
        expect.arrayContaining(['response.created', 'response.output_item.added', 'response.completed']),
      );
      expect(completed?.usage).toMatchObject({
        input_tokens: lastUsage().input,
        output_tokens: lastUsage().output,
      });
      expectNativeRequests(true);
      const [log] = await expectBilled(g, spec);
      expect(log.is_stream).toBe(true);
    });

    it('chat with an image (data URL)', async () => {
      const completion = await client.chat.completions.create({
        model,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Describe the picture.' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
            ],
          },
        ],
      });
      expect(completion.choices[0].message.content).toBe(`${PREFIX[protocol]}Describe the picture.`);
      const sent = JSON.stringify(lastUpstream().body);
      expect(sent).toContain(PNG_BASE64);
      if (protocol === 'anthropic') expect(sent).toContain('"media_type":"image/png"');
      if (protocol === 'gemini') expect(sent).toContain('"mimeType":"image/png"');
      if (protocol === 'openai-responses') expect(sent).toContain('"input_image"');
      expect(completion.usage?.prompt_tokens).toBe(lastUsage().input);
      await expectBilled(g, spec);
    });

    it('chat structured output (json_schema)', async () => {
      const completion = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Classify: the match ended 2-1.' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'topic',
            strict: true,
            schema: {
              type: 'object',
              properties: {
                topic: { type: 'string', enum: ['sports', 'politics'] },
                confidence: { type: 'number' },
              },
              required: ['topic', 'confidence'],
              additionalProperties: false,
            },
          },
        },
      });
      const parsed = JSON.parse(completion.choices[0].message.content ?? '') as Record<string, unknown>;
      expect(parsed).toEqual({ topic: 'sports', confidence: expect.any(Number) });
      expect(completion.choices[0].finish_reason).toBe('stop');
      await expectBilled(g, spec);
    });

    it('errors come in OpenAI shape: a bad key, a provider 429', async () => {
      const bad = new OpenAI({ apiKey: 'sk-not-a-key', baseURL: `${g.proxy.url}/v1`, maxRetries: 0 });
      const unauthorized = await bad.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(upstream()).toHaveLength(0);

      g.fake(protocol).failNext(1, '429');
      const limited = await client.responses.create({ model, input: 'hi' }).catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
      expect((limited as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({
        message: expect.any(String),
        type: expect.any(String),
      });
      expect(upstream()).toHaveLength(1);
    });

    it('responses function call, then its output', async () => {
      const tools: OpenAI.Responses.Tool[] = [
        { type: 'function', name: 'get_weather', parameters: { ...WEATHER_SCHEMA }, strict: false },
      ];
      const first = await client.responses.create({ model, input: 'Weather in Rome?', tools });
      const call = first.output.find((i) => i.type === 'function_call');
      expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' });
      const fc = call as OpenAI.Responses.ResponseFunctionToolCall;
      expect(JSON.parse(fc.arguments)).toEqual({ location: 'sample location' });
      expect(upstreamToolNames(upstream()[0])).toEqual(['get_weather']);

      const second = await client.responses.create({
        model,
        tools,
        input: [
          { role: 'user', content: 'Weather in Rome?' },
          { type: 'function_call', call_id: fc.call_id, name: fc.name, arguments: fc.arguments },
          { type: 'function_call_output', call_id: fc.call_id, output: 'Cloudy, 18 C' },
        ],
      });
      expect(second.output_text).toBe(`${PREFIX[protocol]}tool result: Cloudy, 18 C`);
      expect(await expectBilled(g, spec)).toHaveLength(2);
    });
  });

  if (protocol === 'anthropic' || protocol === 'gemini')
    describe('URL parameters ?thinking= and ?reasoning_format= (openai SDK defaultQuery)', () => {
      const thought = `${ANTHROPIC_THINKING_PREFIX}Reason about it.`;
      const clientWith = (query: Record<string, string>) =>
        new OpenAI({ apiKey: g.key, baseURL: `${g.proxy.url}/v1`, maxRetries: 0, defaultQuery: query });
      const expectThinkingUpstream = () => {
        const body = upstream()[0].body as Record<string, unknown>;
        if (protocol === 'anthropic') expect(body.thinking).toMatchObject({ type: 'enabled' });
        else
          expect((body.generationConfig as Record<string, unknown>).thinkingConfig).toMatchObject({
            includeThoughts: true,
          });
      };

      it.each(['reasoning_content', 'reasoning', 'thinking'] as const)(
        'thinking=true&reasoning_format=%s',
        async (format) => {
          const client = clientWith({ thinking: 'true', reasoning_format: format });
          const completion = await client.chat.completions.create({
            model,
            messages: [{ role: 'user', content: 'Reason about it.' }],
          });
          expect(g.proxy.requests[0].url).toBe(
            `/v1/chat/completions?thinking=true&reasoning_format=${format}`,
          );
          const message = completion.choices[0].message as unknown as Record<string, unknown>;
          expect(message.content).toBe(`${PREFIX[protocol]}Reason about it.`);
          if (format === 'thinking')
            expect(message.thinking).toEqual(
              protocol === 'anthropic'
                ? { content: thought, signature: expect.any(String) }
                : { content: thought },
            );
          else expect(message[format]).toBe(thought);
          for (const other of ['reasoning_content', 'reasoning', 'thinking'].filter((f) => f !== format))
            expect(message[other]).toBeUndefined();
          expectThinkingUpstream();
          await expectBilled(g, spec);
        },
      );

      it('streams the reasoning in the chosen field (reasoning_format=reasoning)', async () => {
        const client = clientWith({ thinking: 'true', reasoning_format: 'reasoning' });
        const stream = await client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'Reason about it.' }],
          stream: true,
        });
        let reasoning = '';
        let text = '';
        for await (const chunk of stream) {
          const delta = (chunk.choices[0]?.delta ?? {}) as Record<string, unknown>;
          reasoning += (delta.reasoning as string | undefined) ?? '';
          text += (delta.content as string | undefined) ?? '';
          expect(delta.reasoning_content).toBeUndefined();
        }
        expect(reasoning).toBe(thought);
        expect(text).toBe(`${PREFIX[protocol]}Reason about it.`);
        expectThinkingUpstream();
        await expectBilled(g, spec);
      });

      it('without ?thinking= the model does not show its thoughts', async () => {
        const completion = await clientWith({}).chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'Reason about it.' }],
        });
        const message = completion.choices[0].message as unknown as Record<string, unknown>;
        expect(message.reasoning_content).toBeUndefined();
        expect(message.content).toBe(`${PREFIX[protocol]}Reason about it.`);
      });
    });

  describe('@anthropic-ai/sdk (baseURL without /v1)', () => {
    let client: Anthropic;
    beforeAll(() => {
      client = new Anthropic({ apiKey: g.key, baseURL: g.proxy.url, maxRetries: 0 });
    });

    it('messages.create', async () => {
      const message = await client.messages.create({
        model,
        max_tokens: 256,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Say hello to Claude clients.' }],
      });
      expect(message.type).toBe('message');
      expect(message.stop_reason).toBe('end_turn');
      expect(message.content).toEqual([
        expect.objectContaining({ type: 'text', text: `${PREFIX[protocol]}Say hello to Claude clients.` }),
      ]);
      expect(message.usage).toMatchObject({
        input_tokens: lastUsage().input,
        output_tokens: lastUsage().output,
      });
      expectNativeRequests(false);
      // SDK 1.x sends the apiKey as a bearer token
      const sent = g.proxy.requests[0];
      expect(sent.url).toBe('/v1/messages');
      expect(sent.headers.authorization ?? sent.headers['x-api-key']).toMatch(new RegExp(g.key));
      await expectBilled(g, spec);
    });

    it('messages.stream with authToken (Bearer)', async () => {
      const bearer = new Anthropic({ authToken: g.key, apiKey: null, baseURL: g.proxy.url, maxRetries: 0 });
      const stream = bearer.messages.stream({
        model,
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Stream to Claude clients.' }],
      });
      const events = new Set<string>();
      stream.on('streamEvent', (e) => events.add(e.type));
      let text = '';
      stream.on('text', (delta) => (text += delta));
      const final = await stream.finalMessage();
      expect(text).toBe(`${PREFIX[protocol]}Stream to Claude clients.`);
      expect(final.stop_reason).toBe('end_turn');
      expect(final.usage).toMatchObject({
        input_tokens: lastUsage().input,
        output_tokens: lastUsage().output,
      });
      expect([...events]).toEqual(
        expect.arrayContaining([
          'message_start',
          'content_block_start',
          'content_block_delta',
          'content_block_stop',
          'message_delta',
          'message_stop',
        ]),
      );
      expect(g.proxy.requests[0].headers.authorization).toBe(`Bearer ${g.key}`);
      expectNativeRequests(true);
      const [log] = await expectBilled(g, spec);
      expect(log.is_stream).toBe(true);
    });

    it('x-api-key authentication', async () => {
      const keyed = new Anthropic({
        apiKey: null,
        authToken: null,
        baseURL: g.proxy.url,
        maxRetries: 0,
        defaultHeaders: { 'x-api-key': g.key },
      });
      const message = await keyed.messages.create({
        model,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'keyed' }],
      });
      expect(message.content[0]).toMatchObject({ type: 'text', text: `${PREFIX[protocol]}keyed` });
      expect(g.proxy.requests[0].headers['x-api-key']).toBe(g.key);
      expect(g.proxy.requests[0].headers.authorization).toBeUndefined();
      await expectBilled(g, spec);
    });

    it('an image block', async () => {
      const message = await client.messages.create({
        model,
        max_tokens: 256,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
              { type: 'text', text: 'What is in the image?' },
            ],
          },
        ],
      });
      expect(message.content[0]).toMatchObject({
        type: 'text',
        text: `${PREFIX[protocol]}What is in the image?`,
      });
      const sent = JSON.stringify(lastUpstream().body);
      expect(sent).toContain(PNG_BASE64);
      if (protocol === 'openai') expect(sent).toContain(`"url":"data:image/png;base64,${PNG_BASE64}"`);
      if (protocol === 'gemini') expect(sent).toContain('"inlineData"');
      expect(message.usage.input_tokens).toBe(lastUsage().input);
      await expectBilled(g, spec);
    });

    it('errors come in Anthropic shape: a bad key, a provider 429', async () => {
      const bad = new Anthropic({ apiKey: 'sk-not-a-key', baseURL: g.proxy.url, maxRetries: 0 });
      const unauthorized = await bad.messages
        .create({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(unauthorized).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((unauthorized as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error' },
      });

      g.fake(protocol).failNext(1, '429');
      const limited = await client.messages
        .stream({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
        .finalMessage()
        .catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
      expect((limited as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({
        type: 'error',
        error: { type: 'rate_limit_error', message: expect.any(String) },
      });
      expect(upstream()).toHaveLength(1);
    });

    it('tool_use, then tool_result (streamed)', async () => {
      const tools: Anthropic.Tool[] = [
        { name: 'get_weather', description: 'Weather of a city', input_schema: { ...WEATHER_SCHEMA } },
      ];
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is the weather in Oslo?' }];
      const first = await client.messages.stream({ model, max_tokens: 512, tools, messages }).finalMessage();
      expect(first.stop_reason).toBe('tool_use');
      const use = first.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
      expect(use).toMatchObject({ name: 'get_weather', input: { location: 'sample location' } });
      expect(upstreamToolNames(upstream()[0])).toEqual(['get_weather']);

      messages.push(
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Snow, -3 C' }] },
      );
      const second = await client.messages.create({ model, max_tokens: 512, tools, messages });
      expect(second.content).toEqual([
        expect.objectContaining({ type: 'text', text: `${PREFIX[protocol]}tool result: Snow, -3 C` }),
      ]);
      expect(await expectBilled(g, spec)).toHaveLength(2);
    });

    it('extended thinking with a tool round trip', async () => {
      const tools: Anthropic.Tool[] = [{ name: 'get_weather', input_schema: { ...WEATHER_SCHEMA } }];
      const thinking = { type: 'enabled', budget_tokens: 1024 } as const;
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Think, then: weather in Lima?' }];
      const first = await client.messages.create({ model, max_tokens: 2048, thinking, tools, messages });
      expect(first.stop_reason).toBe('tool_use');
      const body = upstream()[0].body as Record<string, unknown>;
      if (protocol === 'anthropic') {
        expect(body.thinking).toEqual(thinking);
      } else if (protocol === 'gemini') {
        expect((body.generationConfig as Record<string, unknown>).thinkingConfig).toMatchObject({
          includeThoughts: true,
        });
      } else if (protocol === 'openai') {
        expect(body.reasoning_effort).toEqual(expect.any(String));
      } else {
        expect(body.reasoning).toMatchObject({ effort: expect.any(String) });
      }
      const thought = first.content.find((b) => b.type === 'thinking');
      if (protocol === 'anthropic' || protocol === 'gemini')
        expect(thought).toMatchObject({
          thinking: `${ANTHROPIC_THINKING_PREFIX}Think, then: weather in Lima?`,
          signature: expect.any(String),
        });
      const use = first.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;

      // the assistant turn goes back as received: the provider checks thinking signatures it issued
      messages.push(
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Mild, 19 C' }] },
      );
      const second = await client.messages.create({ model, max_tokens: 2048, thinking, tools, messages });
      const text = second.content.find((b) => b.type === 'text') as Anthropic.TextBlock;
      expect(text.text).toBe(`${PREFIX[protocol]}tool result: Mild, 19 C`);
      expect(await expectBilled(g, spec)).toHaveLength(2);
    });
  });

  describe('Vercel AI SDK — the OpenCode setup (baseURL with /v1)', () => {
    /**
     * What OpenCode sends for a provider on @ai-sdk/openai (its provider/transform.ts): `store: false` and the session as
     * the prompt cache key. (With the SDK's default `store: true`, later steps reference earlier output items by id —
     * `item_reference` — which only a Responses-native channel can resolve.)
     */
    const opencodeOpenAI = { openai: { store: false, promptCacheKey: 'opencode-session' } };
    const weatherTool = tool({
      description: 'Weather of a city',
      inputSchema: jsonSchema<{ location: string }>({ ...WEATHER_SCHEMA }),
      execute: async ({ location }) => ({ location, forecast: 'Windy, 12 C' }),
    });

    it('@ai-sdk/openai generateText (Responses API)', async () => {
      const openai = createOpenAI({ baseURL: `${g.proxy.url}/v1`, apiKey: g.key });
      const result = await generateText({
        model: openai(model),
        prompt: 'Hello from OpenCode.',
        providerOptions: opencodeOpenAI,
      });
      expect(result.text).toBe(`${PREFIX[protocol]}Hello from OpenCode.`);
      expect(result.usage).toMatchObject({
        inputTokens: lastUsage().input,
        outputTokens: lastUsage().output,
      });
      expect(billedRequests(g).map((r) => r.url)).toEqual(['/v1/responses']);
      expect(JSON.parse(g.proxy.requests[0].rawBody)).toMatchObject({
        store: false,
        prompt_cache_key: 'opencode-session',
      });
      expectNativeRequests(false);
      await expectBilled(g, spec);
    });

    it('@ai-sdk/openai streamText (Chat Completions)', async () => {
      const openai = createOpenAI({ baseURL: `${g.proxy.url}/v1`, apiKey: g.key });
      const result = streamText({
        model: openai.chat(model),
        prompt: 'Stream from OpenCode.',
        providerOptions: opencodeOpenAI,
      });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      expect(text).toBe(`${PREFIX[protocol]}Stream from OpenCode.`);
      expect(await result.usage).toMatchObject({
        inputTokens: lastUsage().input,
        outputTokens: lastUsage().output,
      });
      expect(billedRequests(g).map((r) => r.url)).toEqual(['/v1/chat/completions']);
      expectNativeRequests(true);
      await expectBilled(g, spec);
    });

    it('@ai-sdk/openai tool call executed and answered (two steps)', async () => {
      const openai = createOpenAI({ baseURL: `${g.proxy.url}/v1`, apiKey: g.key });
      const result = await generateText({
        model: openai(model),
        tools: { get_weather: weatherTool },
        stopWhen: stepCountIs(2),
        prompt: 'What is the weather in Bern?',
        providerOptions: opencodeOpenAI,
      });
      expect(result.steps[0].toolCalls).toEqual([
        expect.objectContaining({ toolName: 'get_weather', input: { location: 'sample location' } }),
      ]);
      expect(result.steps[0].toolResults[0]).toMatchObject({ output: { forecast: 'Windy, 12 C' } });
      expect(result.text).toContain(`${PREFIX[protocol]}tool result: `);
      expect(result.text).toContain('Windy, 12 C');
      expect(upstreamToolNames(upstream()[0])).toEqual(['get_weather']);
      expect(await expectBilled(g, spec)).toHaveLength(2);
    });

    it('@ai-sdk/anthropic generateText (x-api-key)', async () => {
      const anthropic = createAnthropic({ baseURL: `${g.proxy.url}/v1`, apiKey: g.key });
      const result = await generateText({
        model: anthropic(model),
        system: 'Be brief.',
        prompt: 'Hello from OpenCode via Claude.',
      });
      expect(result.text).toBe(`${PREFIX[protocol]}Hello from OpenCode via Claude.`);
      expect(result.usage).toMatchObject({
        inputTokens: lastUsage().input,
        outputTokens: lastUsage().output,
      });
      expect(g.proxy.requests[0]).toMatchObject({ url: '/v1/messages' });
      expect(g.proxy.requests[0].headers['x-api-key']).toBe(g.key);
      expectNativeRequests(false);
      await expectBilled(g, spec);
    });

    it('@ai-sdk/anthropic streamText with a tool (two steps)', async () => {
      const anthropic = createAnthropic({ baseURL: `${g.proxy.url}/v1`, apiKey: g.key });
      const result = streamText({
        model: anthropic(model),
        tools: { get_weather: weatherTool },
        stopWhen: stepCountIs(2),
        prompt: 'What is the weather in Quito?',
      });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      const steps = await result.steps;
      expect(steps).toHaveLength(2);
      expect(steps[0].toolCalls).toEqual([
        expect.objectContaining({ toolName: 'get_weather', input: { location: 'sample location' } }),
      ]);
      expect(steps[1].text).toContain(`${PREFIX[protocol]}tool result: `);
      expect(text).toContain('Windy, 12 C');
      expect(await result.totalUsage).toMatchObject({
        inputTokens: upstream().reduce((n, r) => n + upstreamUsage(r).input, 0),
        outputTokens: upstream().reduce((n, r) => n + upstreamUsage(r).output, 0),
      });
      expectNativeRequests(true);
      const logs = await expectBilled(g, spec);
      expect(logs).toHaveLength(2);
      expect(logs.every((l) => l.is_stream)).toBe(true);
    });
  });
});
