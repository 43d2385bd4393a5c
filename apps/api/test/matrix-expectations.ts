import {
  assembleReply,
  type CellResult,
  HISTORY_ARGUMENTS,
  HISTORY_CALL_IDS,
  jsonObjectIn,
  type MatrixVariant,
  predictChatUsage,
  predictCohereUsage,
  predictOllamaUsage,
  predictReplicateUsage,
  predictGeminiUsage,
  predictMessagesUsage,
  predictResponsesUsage,
  type RecordedRequest,
  STRUCTURED_TOOL,
  WEATHER_TOOL,
} from '@one-api/llm-testing';

import { bedrockUsage, checkBedrockClaude, checkBedrockConverse, type BedrockColumn } from './matrix-bedrock';
import { asPlainProviderRequest, CLOUD_PROTOCOLS, dashscopeAsPlainChat } from './matrix-vertex-azure';

type Obj = Record<string, any>;

/** The upstream protocols a matrix column's channel speaks. */
export type ChannelProtocol =
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic'
  | 'gemini'
  | 'cohere'
  | 'bedrock-converse'
  | 'bedrock-claude'
  | 'azure-chat'
  | 'azure-responses'
  | 'vertex-gemini'
  | 'vertex-anthropic'
  | 'replicate'
  | 'ollama'
  | 'zhipu-chat'
  | 'ali-dashscope';

export interface MatrixColumn {
  /** the model the client asks for */
  model: string;
  /** what the channel's model_mapping turns it into ('' → no mapping) */
  upstreamModel: string;
  channelType: number;
  protocol: ChannelProtocol;
  channelKey: string;
  /** the channel's config (e.g. `{"api_format":"response"}`) */
  config?: Record<string, unknown>;
}

// ------------------------------------------------------------------------------------------- the caller's request

/** The system text the caller sent (chat system message, Responses instructions / system item, Claude system). */
export function callerSystem(variant: MatrixVariant, body: Obj): string | undefined {
  if (variant.format === 'chat')
    return body.messages.find((m: Obj) => m.role === 'system')?.content as string | undefined;
  if (variant.format === 'response') {
    if (typeof body.instructions === 'string') return body.instructions;
    const item = (body.input as Obj[]).find((i) => i.role === 'system');
    return item?.content as string | undefined;
  }
  return body.system as string | undefined;
}

/** The tool the caller forced (get_weather, or topic_classifier for Claude's structured variant). */
export function forcedTool(variant: MatrixVariant): string | undefined {
  if (variant.expectation === 'tools' || variant.expectation === 'tool_history') return WEATHER_TOOL;
  if (variant.expectation === 'structured' && variant.format === 'claude') return STRUCTURED_TOOL;
  return undefined;
}

function lastUserText(variant: MatrixVariant, body: Obj): string {
  if (variant.format === 'chat') return body.messages.at(-1).content as string;
  const list = (variant.format === 'response' ? body.input : body.messages) as Obj[];
  const content = list.at(-1)!.content as Obj[];
  return content.filter((p) => p.type === 'text' || p.type === 'input_text').at(-1)!.text as string;
}

// ------------------------------------------------------------------------------------------- the reply

/** What the client got, checked strictly: the fakes are deterministic. */
export function checkReply(variant: MatrixVariant, cell: CellResult): void {
  const reply = assembleReply(variant.format, cell.reply);
  expect(reply.errors).toEqual([]);
  const tool = forcedTool(variant);
  if (variant.expectation === 'structured') {
    const json = jsonObjectIn(reply.text) ?? jsonObjectIn(reply.toolCalls[0]?.arguments ?? '');
    expect(json).toEqual({ topic: expect.any(String), confidence: expect.any(Number) });
    if (tool) expect(reply.toolCalls.map((c) => c.name)).toEqual([tool]);
  } else if (tool) {
    expect(reply.toolCalls).toHaveLength(1);
    const [call] = reply.toolCalls;
    expect(call.name).toBe(tool);
    expect(call.id).toMatch(/\S/);
    expect(JSON.parse(call.arguments)).toEqual(expect.objectContaining({ location: expect.any(String) }));
  } else {
    expect(reply.toolCalls).toEqual([]);
    // the fakes quote the last user turn (consecutive user items may be merged into one turn upstream)
    expect(reply.text).toMatch(/^Hello! This is fake-\w+ answering: /);
    if (variant.format !== 'response') expect(reply.text).toContain(lastUserText(variant, cell.request));
  }
  // the stop reason in the caller's own vocabulary
  const calledTool = reply.toolCalls.length > 0;
  if (variant.format === 'chat') expect(calledTool ? ['tool_calls', 'stop'] : ['stop']).toContain(reply.stop);
  if (variant.format === 'claude') expect(reply.stop).toBe(calledTool ? 'tool_use' : 'end_turn');
  if (variant.format === 'response') expect(reply.stop).toBe('completed');

  if (cell.reply.kind !== 'stream') return;
  const names = reply.eventNames;
  if (variant.format === 'chat') {
    expect(cell.reply.events.at(-1)!.data).toBe('[DONE]');
  } else if (variant.format === 'claude') {
    expect(names[0]).toBe('message_start');
    expect(names.at(-1)).toBe('message_stop');
    expect(names).toContain('message_delta');
    for (const e of cell.reply.events) expect((e.data as Obj).type).toBe(e.event);
  } else {
    expect(names[0]).toBe('response.created');
    expect(names.at(-1)).toBe('response.completed');
    const seq = cell.reply.events.map((e) => (e.data as Obj).sequence_number);
    expect(seq).toEqual(seq.map((_, i) => i));
    for (const e of cell.reply.events) expect((e.data as Obj).type).toBe(e.event);
    // the deltas and the final response object tell the same story
    const final = assembleReply('response', { kind: 'json', body: reply.terminal });
    expect(final.text).toBe(reply.text);
    expect(final.toolCalls).toEqual(reply.toolCalls);
  }
}

/** The usage the caller was shown, as prompt / completion tokens (undefined when the reply carries none). */
export function replyUsage(
  variant: MatrixVariant,
  cell: CellResult,
): { prompt: number; completion: number } | undefined {
  const usage = assembleReply(variant.format, cell.reply).usage as Obj | undefined;
  if (!usage) return undefined;
  if (variant.format === 'chat') return { prompt: usage.prompt_tokens, completion: usage.completion_tokens };
  if (variant.format === 'response') return { prompt: usage.input_tokens, completion: usage.output_tokens };
  if (cell.reply.kind === 'stream') {
    const start = usage.start as Obj;
    const delta = usage.delta as Obj;
    return { prompt: delta.input_tokens ?? start.input_tokens, completion: delta.output_tokens };
  }
  return { prompt: usage.input_tokens, completion: usage.output_tokens };
}

// ------------------------------------------------------------------------------------------- the native request

/** The caller's sampling settings, whatever its format spells them. */
function callerSampling(variant: MatrixVariant, body: Obj) {
  return {
    temperature: body.temperature as number,
    topP: body.top_p as number,
    topK: body.top_k as number | undefined,
    maxTokens: (variant.format === 'response' ? body.max_output_tokens : body.max_tokens) as number,
  };
}

function textOfParts(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: Obj) => (typeof p.text === 'string' ? p.text : '')).join('');
}

function checkOpenAiChat(
  variant: MatrixVariant,
  caller: Obj,
  sent: RecordedRequest,
  column: MatrixColumn,
): void {
  expect(sent.path).toBe('/v1/chat/completions');
  expect(sent.headers.authorization).toBe(`Bearer ${column.channelKey}`);
  const body = sent.body as Obj;
  expect(body.model).toBe(column.upstreamModel);
  expect(body.stream === true).toBe(variant.stream);
  if (variant.stream) expect(body.stream_options).toEqual({ include_usage: true });
  const sampling = callerSampling(variant, caller);
  expect({
    temperature: body.temperature,
    top_p: body.top_p,
    top_k: body.top_k,
    max: body.max_completion_tokens ?? body.max_tokens,
  }).toEqual({
    temperature: sampling.temperature,
    top_p: sampling.topP,
    top_k: undefined,
    max: sampling.maxTokens,
  });
  const messages = body.messages as Obj[];
  expect(
    messages
      .map((m) => m.role)
      .every((r) => ['system', 'developer', 'user', 'assistant', 'tool'].includes(r)),
  ).toBe(true);
  const system = callerSystem(variant, caller);
  const systemMessages = messages.filter((m) => m.role === 'system' || m.role === 'developer');
  if (system) {
    expect(messages[0].role).toMatch(/^(system|developer)$/);
    expect(textOfParts(messages[0].content)).toBe(system);
  } else expect(systemMessages).toEqual([]);
  expect(textOfParts(messages.at(-1)!.content)).toContain(lastUserText(variant, caller));

  const tool = forcedTool(variant);
  if (variant.expectation === 'structured' && variant.format !== 'claude') {
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'topic_classification', schema: { required: ['topic', 'confidence'] } },
    });
  } else if (tool) {
    const promoted =
      variant.format === 'claude' && variant.expectation === 'structured' && body.response_format;
    if (promoted) {
      expect(body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { schema: { required: ['topic', 'confidence'] } },
      });
    } else {
      expect(body.tools).toEqual([
        expect.objectContaining({
          type: 'function',
          function: expect.objectContaining({
            name: tool,
            parameters: expect.objectContaining({ type: 'object' }),
          }),
        }),
      ]);
      expect(body.tool_choice).toEqual({ type: 'function', function: { name: tool } });
    }
  } else if (variant.format === 'response') {
    // the default Responses variant carries the document assistant's five tools
    expect((body.tools as Obj[]).map((t) => t.function.name)).toEqual([
      'section_edit',
      'workspace_search',
      'doc_compose',
      'code_artifact',
      'blob_read',
    ]);
    expect(body.tool_choice).toBe('auto');
  } else expect(body.tools).toBeUndefined();

  if (variant.expectation === 'tool_history') {
    const assistant = messages.find((m) => m.role === 'assistant')!;
    const id = variant.format === 'claude' ? HISTORY_CALL_IDS.claude : HISTORY_CALL_IDS.chat;
    expect(assistant.tool_calls).toEqual([
      { id, type: 'function', function: { name: WEATHER_TOOL, arguments: expect.any(String) } },
    ]);
    expect(JSON.parse(assistant.tool_calls[0].function.arguments)).toEqual(HISTORY_ARGUMENTS);
    const result = messages.find((m) => m.role === 'tool')!;
    expect(result.tool_call_id).toBe(id);
    expect(textOfParts(result.content)).toContain('"temperature_c":15');
    expect(messages.indexOf(result)).toBe(messages.indexOf(assistant) + 1);
  }
}

function checkOpenAiResponses(
  variant: MatrixVariant,
  caller: Obj,
  sent: RecordedRequest,
  column: MatrixColumn,
): void {
  expect(sent.path).toBe('/v1/responses');
  expect(sent.headers.authorization).toBe(`Bearer ${column.channelKey}`);
  const body = sent.body as Obj;
  if (variant.format === 'response') {
    // passthrough: the caller's body, but for the mapped model and a forced tool spelled the Responses way
    const forced =
      caller.tool_choice?.type === 'tool' ? { type: 'function', name: caller.tool_choice.name } : undefined;
    expect(body).toEqual({
      ...caller,
      model: column.upstreamModel,
      ...(forced ? { tool_choice: forced } : {}),
    });
    return;
  }
  expect(body.model).toBe(column.upstreamModel);
  expect(body.stream === true).toBe(variant.stream);
  const sampling = callerSampling(variant, caller);
  expect({ temperature: body.temperature, top_p: body.top_p, max: body.max_output_tokens }).toEqual({
    temperature: sampling.temperature,
    top_p: sampling.topP,
    max: sampling.maxTokens,
  });
  expect(body.top_k).toBeUndefined();
  const input = body.input as Obj[];
  const system = callerSystem(variant, caller);
  const systemItems = input.filter((i) => i.role === 'system' || i.role === 'developer');
  if (system) {
    const placed =
      typeof body.instructions === 'string' ? body.instructions : textOfParts(systemItems[0]?.content);
    expect(placed).toBe(system);
  } else {
    expect(body.instructions).toBeUndefined();
    expect(systemItems).toEqual([]);
  }
  const lastMessage = input.filter((i) => i.role === 'user').at(-1)!;
  expect(textOfParts(lastMessage.content)).toContain(lastUserText(variant, caller));

  const tool = forcedTool(variant);
  if (variant.expectation === 'structured' && variant.format === 'chat') {
    expect(body.text.format).toMatchObject({
      type: 'json_schema',
      name: 'topic_classification',
      schema: { required: ['topic', 'confidence'] },
    });
  } else if (tool) {
    const promoted = variant.expectation === 'structured' && body.text?.format;
    if (promoted)
      expect(body.text.format).toMatchObject({
        type: 'json_schema',
        schema: { required: ['topic', 'confidence'] },
      });
    else {
      expect(body.tools).toEqual([
        expect.objectContaining({
          type: 'function',
          name: tool,
          parameters: expect.objectContaining({ type: 'object' }),
        }),
      ]);
      expect(body.tool_choice).toEqual({ type: 'function', name: tool });
    }
  } else expect(body.tools).toBeUndefined();

  if (variant.expectation === 'tool_history') {
    const id = variant.format === 'claude' ? HISTORY_CALL_IDS.claude : HISTORY_CALL_IDS.chat;
    const callIndex = input.findIndex((i) => i.type === 'function_call');
    expect(input[callIndex]).toMatchObject({ type: 'function_call', call_id: id, name: WEATHER_TOOL });
    expect(JSON.parse(input[callIndex].arguments)).toEqual(HISTORY_ARGUMENTS);
    expect(input[callIndex + 1]).toMatchObject({ type: 'function_call_output', call_id: id });
    expect(textOfParts(input[callIndex + 1].output)).toContain('"temperature_c":15');
  }
}

function checkAnthropic(
  variant: MatrixVariant,
  caller: Obj,
  sent: RecordedRequest,
  column: MatrixColumn,
): void {
  expect(sent.path).toBe('/v1/messages');
  expect(sent.headers['x-api-key']).toBe(column.channelKey);
  expect(sent.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const body = sent.body as Obj;
  if (variant.format === 'claude' && column.channelType !== 42) {
    // passthrough: the caller's body, byte for byte but for the mapped model
    expect(sent.rawBody).toBe(JSON.stringify({ ...caller, model: column.upstreamModel }));
    return;
  }
  expect(body.model).toBe(column.upstreamModel);
  expect(body.stream === true).toBe(variant.stream);
  const sampling = callerSampling(variant, caller);
  // Anthropic's newer models take temperature or top_p, not both: temperature wins — unless the caller, speaking
  // Claude's own format (converted only on Vertex), sent both
  expect({ temperature: body.temperature, top_p: body.top_p, max_tokens: body.max_tokens }).toEqual({
    temperature: sampling.temperature,
    top_p: variant.format === 'claude' ? sampling.topP : undefined,
    max_tokens: sampling.maxTokens,
  });
  const messages = body.messages as Obj[];
  expect(messages.every((m) => m.role === 'user' || m.role === 'assistant')).toBe(true);
  const system = callerSystem(variant, caller);
  if (system) expect(textOfParts(body.system)).toBe(system);
  else expect(body.system).toBeUndefined();
  const lastBlocks = messages.at(-1)!.content;
  expect(textOfParts(lastBlocks)).toContain(lastUserText(variant, caller));

  const tool = forcedTool(variant);
  if (variant.expectation === 'structured') {
    const viaFormat = body.output_config?.format;
    if (viaFormat)
      expect(viaFormat).toMatchObject({ type: 'json_schema', schema: { required: ['topic', 'confidence'] } });
    else {
      expect(body.tools).toHaveLength(1);
      expect(body.tools[0].input_schema).toMatchObject({ required: ['topic', 'confidence'] });
      expect(body.tool_choice).toEqual({ type: 'tool', name: body.tools[0].name });
    }
  } else if (tool) {
    expect(body.tools).toEqual([
      expect.objectContaining({ name: tool, input_schema: expect.objectContaining({ type: 'object' }) }),
    ]);
    expect(body.tool_choice).toMatchObject({ type: 'tool', name: tool });
  } else if (variant.format === 'response') {
    expect((body.tools as Obj[]).map((t) => t.name)).toHaveLength(5);
    expect(body.tool_choice).toMatchObject({ type: 'auto' });
  } else expect(body.tools).toBeUndefined();

  if (variant.expectation === 'tool_history') {
    const assistantIndex = messages.findIndex((m) => m.role === 'assistant');
    const use = (messages[assistantIndex].content as Obj[]).find((b) => b.type === 'tool_use')!;
    // a Claude caller's own tool_use id (only converted on Vertex), else the chat one made to fit
    const id = variant.format === 'claude' ? HISTORY_CALL_IDS.claude : HISTORY_CALL_IDS.chat;
    expect(use).toEqual({
      type: 'tool_use',
      id,
      name: WEATHER_TOOL,
      input: HISTORY_ARGUMENTS,
    });
    const next = messages[assistantIndex + 1];
    expect(next.role).toBe('user');
    const result = (next.content as Obj[]).find((b) => b.type === 'tool_result')!;
    expect(result.tool_use_id).toBe(id);
    expect(textOfParts(result.content)).toContain('"temperature_c":15');
  }
}

function checkGemini(variant: MatrixVariant, caller: Obj, sent: RecordedRequest, column: MatrixColumn): void {
  const method = variant.stream ? 'streamGenerateContent' : 'generateContent';
  expect(sent.path).toBe(`/v1beta/models/${column.upstreamModel}:${method}`);
  if (variant.stream) expect(new URL(sent.url, 'http://x').searchParams.get('alt')).toBe('sse');
  expect(sent.headers['x-goog-api-key']).toBe(column.channelKey);
  const body = sent.body as Obj;
  expect(body.model).toBeUndefined();
  const sampling = callerSampling(variant, caller);
  expect(body.generationConfig).toMatchObject({
    temperature: sampling.temperature,
    maxOutputTokens: sampling.maxTokens,
  });
  // Claude callers send no top_p (recent Claude models refuse it with temperature)
  expect(body.generationConfig.topP).toBe(sampling.topP);
  expect(body.generationConfig.topK).toBe(sampling.topK);
  const contents = body.contents as Obj[];
  expect(contents.every((c) => c.role === 'user' || c.role === 'model')).toBe(true);
  const system = callerSystem(variant, caller);
  if (system) expect(textOfParts(body.systemInstruction.parts)).toBe(system);
  else expect(body.systemInstruction).toBeUndefined();
  expect(textOfParts(contents.at(-1)!.parts)).toContain(lastUserText(variant, caller));

  const tool = forcedTool(variant);
  const declarations = (body.tools ?? []).flatMap((t: Obj) => t.functionDeclarations ?? []) as Obj[];
  if (variant.expectation === 'structured' && !tool) {
    expect(body.generationConfig.responseMimeType).toBe('application/json');
    const schema = body.generationConfig.responseSchema ?? body.generationConfig.responseJsonSchema;
    expect(schema).toMatchObject({ required: ['topic', 'confidence'] });
  } else if (tool) {
    const promoted = variant.expectation === 'structured' && body.generationConfig?.responseMimeType;
    if (!promoted) {
      expect(declarations.map((d) => d.name)).toEqual([tool]);
      expect(declarations[0].parameters ?? declarations[0].parametersJsonSchema).toMatchObject({
        properties: expect.any(Object),
      });
      expect(body.toolConfig.functionCallingConfig).toMatchObject({
        mode: 'ANY',
        allowedFunctionNames: [tool],
      });
    }
  } else if (variant.format === 'response') {
    expect(declarations.map((d) => d.name)).toHaveLength(5);
  } else expect(declarations).toEqual([]);

  if (variant.expectation === 'tool_history') {
    const modelIndex = contents.findIndex((c) => c.role === 'model');
    const call = (contents[modelIndex].parts as Obj[]).find((p) => p.functionCall)!.functionCall;
    expect(call).toMatchObject({ name: WEATHER_TOOL, args: HISTORY_ARGUMENTS });
    const next = contents[modelIndex + 1];
    expect(next.role).toBe('user');
    const response = (next.parts as Obj[]).find((p) => p.functionResponse)!.functionResponse;
    expect(response.name).toBe(WEATHER_TOOL);
    expect(JSON.stringify(response.response)).toContain('temperature_c');
  }
}

/** Cohere v2 chat: `p` / `k` for top_p / top_k, a forced tool as REQUIRED, structured output as json_object + schema. */
function checkCohere(variant: MatrixVariant, caller: Obj, sent: RecordedRequest, column: MatrixColumn): void {
  expect(sent.path).toBe('/v2/chat');
  expect(sent.headers.authorization).toBe(`Bearer ${column.channelKey}`);
  const body = sent.body as Obj;
  expect(body.model).toBe(column.upstreamModel);
  expect(body.stream).toBe(variant.stream);
  const sampling = callerSampling(variant, caller);
  expect({ temperature: body.temperature, p: body.p, k: body.k, max_tokens: body.max_tokens }).toEqual({
    temperature: sampling.temperature,
    p: sampling.topP,
    k: sampling.topK,
    max_tokens: sampling.maxTokens,
  });
  expect(body.top_p).toBeUndefined();
  const messages = body.messages as Obj[];
  expect(messages.every((m) => ['system', 'user', 'assistant', 'tool'].includes(m.role))).toBe(true);
  const system = callerSystem(variant, caller);
  if (system) expect(messages[0]).toEqual({ role: 'system', content: system });
  else expect(messages.filter((m) => m.role === 'system')).toEqual([]);
  expect(textOfParts(messages.at(-1)!.content)).toContain(lastUserText(variant, caller));

  const tool = forcedTool(variant);
  const promoted = variant.expectation === 'structured' && body.response_format;
  if (variant.expectation === 'structured' && (variant.format !== 'claude' || promoted)) {
    expect(body.response_format).toMatchObject({
      type: 'json_object',
      json_schema: { required: ['topic', 'confidence'] },
    });
  } else if (tool) {
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: expect.objectContaining({
          name: tool,
          parameters: expect.objectContaining({ type: 'object' }),
        }),
      },
    ]);
    expect(body.tool_choice).toBe('REQUIRED');
  } else if (variant.format === 'response') {
    expect((body.tools as Obj[]).map((t) => t.function.name)).toHaveLength(5);
    expect(body.tool_choice).toBeUndefined();
  } else expect(body.tools).toBeUndefined();

  if (variant.expectation === 'tool_history') {
    const id = variant.format === 'claude' ? HISTORY_CALL_IDS.claude : HISTORY_CALL_IDS.chat;
    const assistant = messages.find((m) => m.role === 'assistant')!;
    expect(assistant.tool_calls).toEqual([
      { id, type: 'function', function: { name: WEATHER_TOOL, arguments: expect.any(String) } },
    ]);
    expect(JSON.parse(assistant.tool_calls[0].function.arguments)).toEqual(HISTORY_ARGUMENTS);
    const result = messages[messages.indexOf(assistant) + 1];
    expect(result).toMatchObject({ role: 'tool', tool_call_id: id });
    expect(result.content).toContain('"temperature_c":15');
  }
}

/** A Bedrock column's signing identity: config ak / region, else the key AK|SK|REGION. */
function bedrockColumn(column: MatrixColumn): BedrockColumn {
  const [ak, , region] = column.channelKey.split('|');
  const config = column.config ?? {};
  return {
    upstreamModel: column.upstreamModel,
    accessKeyId: (config.ak as string | undefined) ?? ak,
    region: (config.region as string | undefined) ?? region,
  };
}

/**
 * Replicate: one create-prediction call (`Prefer: wait` unless streaming) whose input is the flattened conversation —
 * system text, then the `<tools>` / `<json_schema>` blocks of the prompt-based tool protocol in `system_prompt`, the
 * turns as a transcript in `prompt`.
 */
function checkReplicate(
  variant: MatrixVariant,
  caller: Obj,
  sent: RecordedRequest,
  column: MatrixColumn,
): void {
  expect(sent.path).toBe(`/v1/models/${column.upstreamModel}/predictions`);
  expect(sent.headers.authorization).toBe(`Bearer ${column.channelKey}`);
  expect(sent.headers.prefer).toBe(variant.stream ? undefined : 'wait=60');
  const body = sent.body as Obj;
  expect(body.stream === true).toBe(variant.stream);
  const input = body.input as Obj;
  const sampling = callerSampling(variant, caller);
  expect({
    temperature: input.temperature,
    top_p: input.top_p,
    top_k: input.top_k,
    max_tokens: input.max_tokens,
    max_new_tokens: input.max_new_tokens,
  }).toEqual({
    temperature: sampling.temperature,
    top_p: sampling.topP,
    top_k: sampling.topK,
    max_tokens: sampling.maxTokens,
    max_new_tokens: sampling.maxTokens,
  });
  const systemPrompt = (input.system_prompt ?? '') as string;
  const system = callerSystem(variant, caller);
  if (system) expect(systemPrompt.startsWith(system)).toBe(true);
  else
    expect(systemPrompt).toMatch(
      /^(|You can call these tools:[\s\S]*|Reply with only a JSON object[\s\S]*)$/,
    );
  expect(input.prompt).toContain(lastUserText(variant, caller));

  const tools = /<tools>\n(.*)\n<\/tools>/.exec(systemPrompt);
  const declared = tools ? (JSON.parse(tools[1]) as Obj[]).map((t) => t.name) : [];
  const schema = /<json_schema>\n(.*)\n<\/json_schema>/.exec(systemPrompt);
  const tool = forcedTool(variant);
  const promoted = variant.expectation === 'structured' && schema;
  if (variant.expectation === 'structured' && (variant.format !== 'claude' || promoted)) {
    expect(JSON.parse(schema![1])).toMatchObject({ required: ['topic', 'confidence'] });
  } else if (tool) {
    expect(declared).toEqual([tool]);
    expect(systemPrompt).toContain(`You must call the tool "${tool}".`);
  } else if (variant.format === 'response') {
    expect(declared).toHaveLength(5);
    expect(systemPrompt).not.toContain('You must call');
  } else expect(declared).toEqual([]);

  if (variant.expectation === 'tool_history') {
    expect(input.prompt).toContain(
      `Assistant: ${JSON.stringify({ tool_call: { name: WEATHER_TOOL, arguments: HISTORY_ARGUMENTS } })}`,
    );
    expect(input.prompt).toMatch(/Tool result \(get_weather\): .*"temperature_c":15/);
  }
}

/** Ollama's native /api/chat: sampling in `options`, the schema as `format`, object arguments, `tool_name` results. */
function checkOllama(variant: MatrixVariant, caller: Obj, sent: RecordedRequest, column: MatrixColumn): void {
  expect(sent.path).toBe('/api/chat');
  expect(sent.headers.authorization).toBe(`Bearer ${column.channelKey}`);
  const body = sent.body as Obj;
  expect(body.model).toBe(column.upstreamModel);
  expect(body.stream).toBe(variant.stream);
  const sampling = callerSampling(variant, caller);
  expect(body.options).toEqual({
    temperature: sampling.temperature,
    top_p: sampling.topP,
    ...(sampling.topK !== undefined ? { top_k: sampling.topK } : {}),
    num_predict: sampling.maxTokens,
  });
  const messages = body.messages as Obj[];
  expect(messages.every((m) => ['system', 'user', 'assistant', 'tool'].includes(m.role))).toBe(true);
  const system = callerSystem(variant, caller);
  const tool = forcedTool(variant);
  const names = ((body.tools ?? []) as Obj[]).map((t) => t.function.name);
  // no tool choice on Ollama: a forced tool is asked for at the end of the system prompt
  const forcing = tool && names.length > 0 ? `You must call the tool "${tool}".` : undefined;
  const expectedSystem = [system, forcing].filter(Boolean).join('\n\n');
  if (expectedSystem) expect(messages[0]).toEqual({ role: 'system', content: expectedSystem });
  else expect(messages.filter((m) => m.role === 'system')).toEqual([]);
  expect(messages.at(-1)!.content).toContain(lastUserText(variant, caller));

  expect(body.tool_choice).toBeUndefined();
  const promoted = variant.expectation === 'structured' && body.format;
  if (variant.expectation === 'structured' && (variant.format !== 'claude' || promoted)) {
    expect(body.format).toMatchObject({ required: ['topic', 'confidence'] });
  } else if (tool) expect(names).toEqual([tool]);
  else if (variant.format === 'response') expect(names).toHaveLength(5);
  else expect(body.tools).toBeUndefined();

  if (variant.expectation === 'tool_history') {
    const assistant = messages.find((m) => m.role === 'assistant')!;
    expect(assistant.tool_calls).toEqual([
      { function: { name: WEATHER_TOOL, arguments: HISTORY_ARGUMENTS } },
    ]);
    const result = messages[messages.indexOf(assistant) + 1];
    expect(result).toMatchObject({ role: 'tool', tool_name: WEATHER_TOOL });
    expect(result.content).toContain('"temperature_c":15');
  }
}

/** The native request the fake received: path, auth, model after mapping, system placement, tools, history, stream. */
export function checkNativeRequest(
  variant: MatrixVariant,
  cell: CellResult,
  sent: RecordedRequest,
  column: MatrixColumn,
): void {
  expect(sent.method).toBe('POST');
  const plain = CLOUD_PROTOCOLS[column.protocol] as ChannelProtocol | undefined;
  if (plain) {
    // Azure / Vertex: their URLs and auth checked, then the body as the provider whose format it is
    const request = asPlainProviderRequest(variant, sent, column);
    return checkNativeRequest(variant, cell, request, { ...column, protocol: plain });
  }
  if (column.protocol === 'openai-chat') checkOpenAiChat(variant, cell.request, sent, column);
  else if (column.protocol === 'openai-responses') checkOpenAiResponses(variant, cell.request, sent, column);
  else if (column.protocol === 'anthropic') checkAnthropic(variant, cell.request, sent, column);
  else if (column.protocol === 'cohere') checkCohere(variant, cell.request, sent, column);
  else if (column.protocol === 'replicate') checkReplicate(variant, cell.request, sent, column);
  else if (column.protocol === 'ollama') checkOllama(variant, cell.request, sent, column);
  else if (column.protocol === 'bedrock-converse')
    checkBedrockConverse(variant, cell.request, sent, bedrockColumn(column));
  else if (column.protocol === 'bedrock-claude')
    checkBedrockClaude(variant, cell.request, sent, bedrockColumn(column));
  else checkGemini(variant, cell.request, sent, column);
}

/** The usage the fake provider reported for the request it received, as prompt / completion tokens. */
export function providerUsage(
  column: MatrixColumn,
  sent: RecordedRequest,
): { prompt: number; completion: number } {
  const plain = CLOUD_PROTOCOLS[column.protocol] as ChannelProtocol | undefined;
  if (plain === 'anthropic')
    return providerUsage(
      { ...column, protocol: plain },
      { ...sent, body: { ...(sent.body as Obj), model: column.upstreamModel } },
    );
  if (column.protocol === 'ali-dashscope')
    return providerUsage({ ...column, protocol: 'openai-chat' }, dashscopeAsPlainChat(sent, false));
  if (plain) return providerUsage({ ...column, protocol: plain }, sent);
  if (column.protocol === 'openai-chat') {
    const u = predictChatUsage(sent.body as never);
    return { prompt: u.prompt_tokens, completion: u.completion_tokens };
  }
  if (column.protocol === 'openai-responses') {
    const u = predictResponsesUsage(sent.body as never);
    return { prompt: u.input_tokens, completion: u.output_tokens };
  }
  if (column.protocol === 'anthropic') {
    const u = predictMessagesUsage(sent.body as never) as Obj;
    return {
      prompt: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
      completion: u.output_tokens,
    };
  }
  if (column.protocol === 'bedrock-converse' || column.protocol === 'bedrock-claude')
    return bedrockUsage(column.protocol, sent);
  if (column.protocol === 'cohere') {
    const u = predictCohereUsage(sent.body);
    return { prompt: u.input, completion: u.output };
  }
  if (column.protocol === 'replicate') {
    const u = predictReplicateUsage(sent.body);
    return { prompt: u.input, completion: u.output };
  }
  if (column.protocol === 'ollama') {
    const u = predictOllamaUsage(sent.body);
    return { prompt: u.input, completion: u.output };
  }
  const u = predictGeminiUsage(sent.body, { model: column.upstreamModel }) as Obj;
  return {
    prompt: u.promptTokenCount,
    completion: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
  };
}
