import { randomId, wordPieces, fixedPieces } from '../openai/ids';
import { messagesReply, replyOutputTokens, type AnthropicReply } from '../anthropic/reply';
import type { AnthropicBlock, AnthropicMessage, AnthropicTool, MessagesRequest } from '../anthropic/types';
import { anthropicPromptTokens } from '../anthropic/usage';
import { type BedrockErrorResponse, validationError } from './errors';
import { eventMessage } from './event-stream';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converse's top-level request members; any other key is refused, as Bedrock refuses unknown members. */
const CONVERSE_KEYS = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'additionalModelResponseFieldPaths',
  'promptVariables',
  'requestMetadata',
  'performanceConfig',
  'outputConfig',
  'serviceTier',
]);

const BLOCK_KEYS = new Set([
  'text',
  'image',
  'document',
  'video',
  'toolUse',
  'toolResult',
  'reasoningContent',
  'cachePoint',
  'guardContent',
  'citationsContent',
]);

/** The Converse `usage` object. */
export interface ConverseUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

/**
 * The checks the fake applies to a Converse body, with Bedrock's ValidationException messages: known top-level
 * members; messages present, starting with a user turn and alternating; each content block exactly one known
 * member; no blank text; toolUse / toolResult only with a toolConfig, every toolResult answering a toolUse of the
 * previous turn; inferenceConfig numbers in range.
 */
export function validateConverseRequest(body: unknown): BedrockErrorResponse | undefined {
  if (!isObject(body))
    return validationError('Malformed input request, please reformat your input and try again.');
  for (const key of Object.keys(body)) {
    if (!CONVERSE_KEYS.has(key)) {
      return validationError(
        `Malformed input request: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
      );
    }
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return validationError(
      'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
    );
  }
  let usesTools = false;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as unknown;
    if (!isObject(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      return validationError(
        `1 validation error detected: Value at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`,
      );
    }
    if (i === 0 && message.role !== 'user') {
      return validationError(
        'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
      );
    }
    if (i > 0 && (messages[i - 1] as Obj).role === message.role) {
      return validationError(
        'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
      );
    }
    if (!Array.isArray(message.content) || message.content.length === 0) {
      return validationError(
        `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`,
      );
    }
    const asked = new Set<unknown>();
    const previous = i > 0 ? (messages[i - 1] as Obj) : undefined;
    if (previous && Array.isArray(previous.content)) {
      for (const block of previous.content as Obj[])
        if (isObject(block?.toolUse)) asked.add(block.toolUse.toolUseId);
    }
    for (let j = 0; j < message.content.length; j++) {
      const block = message.content[j] as unknown;
      const keys = isObject(block) ? Object.keys(block) : [];
      if (keys.length !== 1 || !BLOCK_KEYS.has(keys[0])) {
        return validationError(
          `The model returned the following errors: messages.${i}.content.${j}: a ContentBlock must have exactly one member.`,
        );
      }
      const b = block as Obj;
      if ('text' in b && (typeof b.text !== 'string' || b.text.trim() === '')) {
        return validationError(
          `The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`,
        );
      }
      if ('toolUse' in b || 'toolResult' in b) usesTools = true;
      if ('toolResult' in b) {
        const id = isObject(b.toolResult) ? b.toolResult.toolUseId : undefined;
        if (!asked.has(id)) {
          return validationError(
            `The toolResult blocks at messages.${i}.content contain a toolUseId (${String(id)}) that does not match any toolUse block of the previous turn.`,
          );
        }
      }
    }
  }
  if (usesTools && !isObject(body.toolConfig)) {
    return validationError(
      'The toolConfig field must be defined when using toolUse and toolResult content blocks.',
    );
  }
  const inference = body.inferenceConfig;
  if (inference !== undefined) {
    if (!isObject(inference))
      return validationError('Malformed input request: inferenceConfig must be an object.');
    if (
      inference.maxTokens !== undefined &&
      (!Number.isInteger(inference.maxTokens) || (inference.maxTokens as number) < 1)
    ) {
      return validationError(
        "1 validation error detected: Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1",
      );
    }
    const temperature = inference.temperature;
    if (
      temperature !== undefined &&
      (typeof temperature !== 'number' || temperature < 0 || temperature > 1)
    ) {
      return validationError(
        "1 validation error detected: Value at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1",
      );
    }
  }
  return undefined;
}

function textOf(blocks: unknown): string {
  if (!Array.isArray(blocks)) return '';
  return blocks
    .map((b) =>
      isObject(b) && typeof b.text === 'string'
        ? b.text
        : isObject(b) && 'json' in b
          ? JSON.stringify(b.json)
          : '',
    )
    .join('');
}

/** Marks the block before a `cachePoint` as a cache breakpoint (the fake's prompt-cache arithmetic is Anthropic's). */
function withCachePoints(
  blocks: unknown[],
  convert: (block: Obj) => AnthropicBlock | undefined,
): AnthropicBlock[] {
  const out: AnthropicBlock[] = [];
  for (const block of blocks) {
    if (!isObject(block)) continue;
    if (isObject(block.cachePoint)) {
      if (out.length > 0) out[out.length - 1].cache_control = { type: 'ephemeral' };
      continue;
    }
    const converted = convert(block);
    if (converted) out.push(converted);
  }
  return out;
}

function anthropicBlock(block: Obj): AnthropicBlock | undefined {
  if (typeof block.text === 'string') return { type: 'text', text: block.text };
  if (isObject(block.image)) return { type: 'image', source: { type: 'base64' } };
  if (isObject(block.document)) return { type: 'document', source: { type: 'base64' } };
  if (isObject(block.toolUse)) {
    const use = block.toolUse;
    return { type: 'tool_use', id: String(use.toolUseId), name: String(use.name), input: use.input ?? {} };
  }
  if (isObject(block.toolResult)) {
    const result = block.toolResult;
    return { type: 'tool_result', tool_use_id: String(result.toolUseId), content: textOf(result.content) };
  }
  if (isObject(block.reasoningContent) && isObject(block.reasoningContent.reasoningText)) {
    const reasoning = block.reasoningContent.reasoningText;
    return {
      type: 'thinking',
      thinking: String(reasoning.text ?? ''),
      signature: String(reasoning.signature ?? ''),
    };
  }
  return undefined;
}

/**
 * A Converse body read as the Anthropic Messages request the fake's reply logic understands: the same turns and
 * tools, `toolChoice` any / tool / auto, `stopSequences`, `maxTokens`, Claude's `thinking` from
 * additionalModelRequestFields, and `outputConfig.textFormat` as a JSON-schema output format.
 */
export function converseAsMessages(body: Obj): MessagesRequest {
  const messages: AnthropicMessage[] = (body.messages as Obj[]).map((m) => ({
    role: m.role as string,
    content: withCachePoints(m.content as unknown[], anthropicBlock),
  }));
  const req: MessagesRequest = { messages };
  if (Array.isArray(body.system)) req.system = withCachePoints(body.system, anthropicBlock);
  const inference = isObject(body.inferenceConfig) ? body.inferenceConfig : {};
  if (typeof inference.maxTokens === 'number') req.max_tokens = inference.maxTokens;
  if (Array.isArray(inference.stopSequences)) req.stop_sequences = inference.stopSequences as string[];
  const toolConfig = isObject(body.toolConfig) ? body.toolConfig : {};
  if (Array.isArray(toolConfig.tools)) {
    const tools: AnthropicTool[] = [];
    for (const entry of toolConfig.tools as unknown[]) {
      if (!isObject(entry)) continue;
      if (isObject(entry.cachePoint) && tools.length > 0)
        tools[tools.length - 1].cache_control = { type: 'ephemeral' };
      if (!isObject(entry.toolSpec)) continue;
      const spec = entry.toolSpec;
      tools.push({
        name: String(spec.name),
        description: typeof spec.description === 'string' ? spec.description : undefined,
        input_schema: isObject(spec.inputSchema) ? spec.inputSchema.json : undefined,
      });
    }
    req.tools = tools;
  }
  const choice = isObject(toolConfig.toolChoice) ? toolConfig.toolChoice : undefined;
  if (choice && 'any' in choice) req.tool_choice = { type: 'any' };
  else if (choice && isObject(choice.tool))
    req.tool_choice = { type: 'tool', name: String(choice.tool.name) };
  else if (choice && 'auto' in choice) req.tool_choice = { type: 'auto' };
  const extra = isObject(body.additionalModelRequestFields) ? body.additionalModelRequestFields : {};
  if (isObject(extra.thinking)) req.thinking = extra.thinking as MessagesRequest['thinking'];
  const format =
    isObject(body.outputConfig) && isObject(body.outputConfig.textFormat)
      ? body.outputConfig.textFormat
      : undefined;
  const jsonSchema =
    format && isObject(format.structure) && isObject(format.structure.jsonSchema)
      ? format.structure.jsonSchema
      : undefined;
  if (jsonSchema && typeof jsonSchema.schema === 'string') {
    req.output_config = { format: { type: 'json_schema', schema: JSON.parse(jsonSchema.schema) as unknown } };
  }
  return req;
}

/** The usage the fake reports for a Converse body (the same on Converse and at the end of ConverseStream). */
export function predictConverseUsage(body: unknown, reply?: AnthropicReply): ConverseUsage {
  const req = converseAsMessages(body as Obj);
  const prompt = anthropicPromptTokens(req);
  const output = replyOutputTokens(reply ?? messagesReply(req));
  const cacheWrite = prompt.cacheWrite5m + prompt.cacheWrite1h;
  return {
    inputTokens: prompt.uncached,
    outputTokens: output,
    totalTokens: prompt.uncached + cacheWrite + prompt.cacheRead + output,
    cacheReadInputTokens: prompt.cacheRead,
    cacheWriteInputTokens: cacheWrite,
  };
}

function toolUseId(): string {
  return `tooluse_${randomId(22)}`;
}

/** The fake's reply as Converse content blocks (tool use ids made Bedrock-looking). */
export function converseContent(reply: AnthropicReply): Obj[] {
  return reply.content.map((block) => {
    if (block.type === 'thinking') {
      return { reasoningContent: { reasoningText: { text: block.thinking, signature: block.signature } } };
    }
    if (block.type === 'text') return { text: block.text };
    return { toolUse: { toolUseId: toolUseId(), name: block.name, input: block.input } };
  });
}

/** The Converse answer: output.message, stopReason, usage and metrics. */
export function converseBody(body: Obj, reply: AnthropicReply, latencyMs: number): Obj {
  return {
    output: { message: { role: 'assistant', content: converseContent(reply) } },
    stopReason: reply.stopReason,
    usage: predictConverseUsage(body, reply),
    metrics: { latencyMs },
  };
}

/** Bedrock pads stream events with a `p` field of random length so sizes do not reveal the content. */
function padded(payload: Obj): Obj {
  return {
    ...payload,
    p: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0'.slice(0, 1 + Math.floor(Math.random() * 50)),
  };
}

/**
 * The ConverseStream messages: `messageStart`, per block its deltas (a `contentBlockStart` only for tool use, as
 * Bedrock does) and `contentBlockStop`, then `messageStop` with the stop reason and `metadata` with usage.
 */
export function converseStreamMessages(body: Obj, reply: AnthropicReply, latencyMs: number): Buffer[] {
  const out: Buffer[] = [eventMessage('messageStart', padded({ role: 'assistant' }))];
  reply.content.forEach((block, contentBlockIndex) => {
    const delta = (d: Obj) =>
      out.push(eventMessage('contentBlockDelta', padded({ contentBlockIndex, delta: d })));
    if (block.type === 'thinking') {
      for (const piece of wordPieces(block.thinking)) delta({ reasoningContent: { text: piece } });
      delta({ reasoningContent: { signature: block.signature } });
    } else if (block.type === 'text') {
      for (const piece of wordPieces(block.text)) delta({ text: piece });
    } else {
      out.push(
        eventMessage(
          'contentBlockStart',
          padded({ contentBlockIndex, start: { toolUse: { toolUseId: toolUseId(), name: block.name } } }),
        ),
      );
      for (const piece of fixedPieces(JSON.stringify(block.input), 12)) delta({ toolUse: { input: piece } });
    }
    out.push(eventMessage('contentBlockStop', padded({ contentBlockIndex })));
  });
  out.push(eventMessage('messageStop', padded({ stopReason: reply.stopReason })));
  out.push(
    eventMessage('metadata', padded({ usage: predictConverseUsage(body, reply), metrics: { latencyMs } })),
  );
  return out;
}
