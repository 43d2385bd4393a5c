import {
  HISTORY_ARGUMENTS,
  HISTORY_CALL_IDS,
  type MatrixVariant,
  predictConverseUsage,
  predictMessagesUsage,
  type RecordedRequest,
  STRUCTURED_TOOL,
  WEATHER_TOOL,
} from '@one-api/llm-testing';

type Obj = Record<string, any>;

/** The Bedrock columns' credentials: what the fake Bedrock verifies signatures with. */
export interface BedrockColumn {
  upstreamModel: string;
  /** the access key the channel signs with */
  accessKeyId: string;
  region: string;
}

// Small readers of the caller's request (the same rules as matrix-expectations, kept here so this file stands alone).
function callerSystem(variant: MatrixVariant, body: Obj): string | undefined {
  if (variant.format === 'chat') return body.messages.find((m: Obj) => m.role === 'system')?.content;
  if (variant.format === 'response') {
    if (typeof body.instructions === 'string') return body.instructions;
    return (body.input as Obj[]).find((i) => i.role === 'system')?.content;
  }
  return body.system;
}

function forcedTool(variant: MatrixVariant): string | undefined {
  if (variant.expectation === 'tools' || variant.expectation === 'tool_history') return WEATHER_TOOL;
  if (variant.expectation === 'structured' && variant.format === 'claude') return STRUCTURED_TOOL;
  return undefined;
}

function lastUserText(variant: MatrixVariant, body: Obj): string {
  if (variant.format === 'chat') return body.messages.at(-1).content;
  const list = (variant.format === 'response' ? body.input : body.messages) as Obj[];
  const content = list.at(-1)!.content as Obj[];
  return content.filter((p) => p.type === 'text' || p.type === 'input_text').at(-1)!.text;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: Obj) => (typeof p.text === 'string' ? p.text : '')).join('');
}

function sampling(variant: MatrixVariant, body: Obj) {
  return {
    temperature: body.temperature as number,
    topP: body.top_p as number,
    topK: body.top_k as number | undefined,
    maxTokens: (variant.format === 'response' ? body.max_output_tokens : body.max_tokens) as number,
  };
}

/** A SigV4 Authorization for service bedrock in the column's region, by the column's access key. */
function checkSigned(sent: RecordedRequest, column: BedrockColumn): void {
  expect(sent.headers.authorization).toMatch(
    new RegExp(
      `^AWS4-HMAC-SHA256 Credential=${column.accessKeyId}/\\d{8}/${column.region}/bedrock/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
    ),
  );
  expect(sent.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
}

/** Converse / ConverseStream: the model in the path, inferenceConfig, system blocks, toolConfig, tool history as toolUse / toolResult. */
export function checkBedrockConverse(
  variant: MatrixVariant,
  caller: Obj,
  sent: RecordedRequest,
  column: BedrockColumn,
): void {
  const operation = variant.stream ? 'converse-stream' : 'converse';
  expect(sent.path).toBe(`/model/${encodeURIComponent(column.upstreamModel)}/${operation}`);
  checkSigned(sent, column);
  const body = sent.body as Obj;
  expect(body.model).toBeUndefined();
  const s = sampling(variant, caller);
  // Converse has no top_k: it is dropped with a warning
  expect(body.inferenceConfig).toEqual({ maxTokens: s.maxTokens, temperature: s.temperature, topP: s.topP });
  const messages = body.messages as Obj[];
  messages.forEach((m, i) => expect(m.role).toBe(i % 2 === 0 ? 'user' : 'assistant'));
  const system = callerSystem(variant, caller);
  if (system) expect(textOf(body.system)).toBe(system);
  else expect(body.system).toBeUndefined();
  expect(textOf(messages.at(-1)!.content)).toContain(lastUserText(variant, caller));

  const tool = forcedTool(variant);
  const specs = ((body.toolConfig?.tools ?? []) as Obj[]).map((t) => t.toolSpec);
  if (variant.expectation === 'structured' && !tool) {
    expect(body.outputConfig.textFormat).toMatchObject({
      type: 'json_schema',
      structure: { jsonSchema: { name: 'topic_classification', schema: expect.any(String) } },
    });
    expect(JSON.parse(body.outputConfig.textFormat.structure.jsonSchema.schema)).toMatchObject({
      required: ['topic', 'confidence'],
    });
    expect(body.toolConfig).toBeUndefined();
  } else if (tool) {
    expect(specs.map((t) => t.name)).toEqual([tool]);
    expect(specs[0].inputSchema.json).toMatchObject({ type: 'object' });
    expect(body.toolConfig.toolChoice).toEqual({ tool: { name: tool } });
  } else if (variant.format === 'response') {
    expect(specs).toHaveLength(5);
    expect(body.toolConfig.toolChoice).toEqual({ auto: {} });
  } else expect(body.toolConfig).toBeUndefined();

  if (variant.expectation === 'tool_history') {
    const id = variant.format === 'claude' ? HISTORY_CALL_IDS.claude : HISTORY_CALL_IDS.chat;
    const at = messages.findIndex((m) => m.role === 'assistant');
    const use = (messages[at].content as Obj[]).find((b) => b.toolUse)!.toolUse;
    expect(use).toEqual({ toolUseId: id, name: WEATHER_TOOL, input: HISTORY_ARGUMENTS });
    const result = (messages[at + 1].content as Obj[]).find((b) => b.toolResult)!.toolResult;
    expect(result.toolUseId).toBe(id);
    expect(textOf(result.content)).toContain('"temperature_c":15');
  }
}

/** InvokeModel(WithResponseStream) for Claude: the Anthropic body with bedrock-2023-05-31, no model, no stream flag. */
export function checkBedrockClaude(
  variant: MatrixVariant,
  caller: Obj,
  sent: RecordedRequest,
  column: BedrockColumn,
): void {
  const operation = variant.stream ? 'invoke-with-response-stream' : 'invoke';
  expect(sent.path).toBe(`/model/${encodeURIComponent(column.upstreamModel)}/${operation}`);
  checkSigned(sent, column);
  const body = sent.body as Obj;
  expect(body.anthropic_version).toBe('bedrock-2023-05-31');
  expect(body.model).toBeUndefined();
  expect(body.stream).toBeUndefined();
  const s = sampling(variant, caller);
  expect({
    temperature: body.temperature,
    top_p: body.top_p,
    top_k: body.top_k,
    max_tokens: body.max_tokens,
  }).toEqual(
    variant.format === 'claude'
      ? // a Claude caller's own settings are kept as given
        { temperature: s.temperature, top_p: s.topP, top_k: s.topK, max_tokens: s.maxTokens }
      : // from other formats temperature wins over top_p, as on the Anthropic channel
        { temperature: s.temperature, top_p: undefined, top_k: undefined, max_tokens: s.maxTokens },
  );
  const messages = body.messages as Obj[];
  expect(messages.every((m) => m.role === 'user' || m.role === 'assistant')).toBe(true);
  const system = callerSystem(variant, caller);
  if (system) expect(textOf(body.system)).toBe(system);
  else expect(body.system).toBeUndefined();
  expect(textOf(messages.at(-1)!.content)).toContain(lastUserText(variant, caller));

  const tool = forcedTool(variant);
  if (variant.expectation === 'structured' && !tool) {
    expect(body.output_config.format).toMatchObject({
      type: 'json_schema',
      schema: { required: ['topic', 'confidence'] },
    });
  } else if (tool) {
    expect((body.tools as Obj[]).map((t) => t.name)).toEqual([tool]);
    expect(body.tool_choice).toMatchObject({ type: 'tool', name: tool });
  } else if (variant.format === 'response') {
    expect(body.tools).toHaveLength(5);
    expect(body.tool_choice).toMatchObject({ type: 'auto' });
  } else expect(body.tools).toBeUndefined();

  if (variant.expectation === 'tool_history') {
    const id = variant.format === 'claude' ? HISTORY_CALL_IDS.claude : HISTORY_CALL_IDS.chat;
    const at = messages.findIndex((m) => m.role === 'assistant');
    const use = (messages[at].content as Obj[]).find((b) => b.type === 'tool_use')!;
    expect(use).toEqual({ type: 'tool_use', id, name: WEATHER_TOOL, input: HISTORY_ARGUMENTS });
    const result = (messages[at + 1].content as Obj[]).find((b) => b.type === 'tool_result')!;
    expect(result.tool_use_id).toBe(id);
    expect(textOf(result.content)).toContain('"temperature_c":15');
  }
}

/** The usage the fake Bedrock reported: Converse's, or Claude's Anthropic usage; cache tokens count as prompt. */
export function bedrockUsage(protocol: 'bedrock-converse' | 'bedrock-claude', sent: RecordedRequest) {
  if (protocol === 'bedrock-converse') {
    const u = predictConverseUsage(sent.body);
    return {
      prompt: u.inputTokens + u.cacheReadInputTokens + u.cacheWriteInputTokens,
      completion: u.outputTokens,
    };
  }
  const u = predictMessagesUsage(sent.body as never);
  return {
    prompt: u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens,
    completion: u.output_tokens,
  };
}
