import {
  parseDataUrl,
  type AssistantMessage,
  type CanonicalRequest,
  type FilePart,
  type ImagePart,
  type TextPart,
  type ToolResultPart,
  type UserPart,
} from '@one-api/llm-core';
import { toolInputOf } from '@one-api/llm-codecs';

type WireObject = Record<string, unknown>;

interface ConverseMessage {
  role: 'user' | 'assistant';
  content: WireObject[];
}

const IMAGE_FORMATS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const DOCUMENT_FORMATS: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

/** Converse tool names: `[a-zA-Z0-9_-]{1,64}`; tool use ids the same without the length limit. */
const TOOL_USE_ID = /^[a-zA-Z0-9_-]+$/;

export function converseToolUseId(id: string): string {
  if (TOOL_USE_ID.test(id)) return id;
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return cleaned === '' ? 'tooluse_empty' : cleaned;
}

/** A prompt-cache checkpoint after the block a cache hint sits on (Converse's form of `cache_control`). */
const CACHE_POINT: WireObject = { cachePoint: { type: 'default' } };

/** Builds the Converse / ConverseStream body; what Converse cannot express becomes a warning. */
class ConverseBodyBuilder {
  readonly warnings: string[] = [];

  constructor(private readonly request: CanonicalRequest) {}

  private warnOnce(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  private image(part: ImagePart): WireObject | undefined {
    let mediaType: string;
    let data: string;
    if (part.source.kind === 'base64') {
      mediaType = part.source.mediaType;
      data = part.source.data;
    } else {
      const parsed = parseDataUrl(part.source.url);
      if (!parsed) {
        this.warnOnce(
          'an image given by URL was dropped: Bedrock Converse takes image bytes or S3 locations only',
        );
        return undefined;
      }
      mediaType = parsed.mediaType;
      data = parsed.data;
    }
    const format = IMAGE_FORMATS[mediaType.toLowerCase()];
    if (!format) {
      this.warnOnce(`a ${mediaType} image was dropped: Bedrock Converse takes png, jpeg, gif and webp`);
      return undefined;
    }
    if (part.detail !== undefined && part.detail !== 'auto') {
      this.warnOnce('the image detail level was dropped: Bedrock Converse does not accept it');
    }
    return { image: { format, source: { bytes: data } } };
  }

  private document(part: FilePart, index: number): WireObject | undefined {
    if (part.data === undefined) {
      this.warnOnce('a file given by id or URL was dropped: Bedrock Converse takes document bytes only');
      return undefined;
    }
    const mediaType = (part.mediaType ?? 'application/pdf').split(';')[0].trim().toLowerCase();
    if (mediaType.startsWith('image/')) {
      return this.image({ type: 'image', source: { kind: 'base64', mediaType, data: part.data } });
    }
    const format = DOCUMENT_FORMATS[mediaType];
    if (!format) {
      this.warnOnce(`a ${mediaType} file was dropped: Bedrock Converse does not take that document format`);
      return undefined;
    }
    // Document names may hold letters, digits, single spaces, hyphens, parentheses and square brackets only.
    const name =
      (part.filename ?? '')
        .replace(/\.[^.]*$/, '')
        .replace(/[^a-zA-Z0-9\s\-()[\]]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim() || `document-${index + 1}`;
    return { document: { format, name, source: { bytes: part.data } } };
  }

  private userBlocks(parts: UserPart[]): WireObject[] {
    const blocks: WireObject[] = [];
    parts.forEach((part, index) => {
      let block: WireObject | undefined;
      if (part.type === 'text') block = part.text === '' ? undefined : { text: part.text };
      else if (part.type === 'image') block = this.image(part);
      else if (part.type === 'file') block = this.document(part, index);
      else this.warnOnce('audio input was dropped: Bedrock Converse does not accept audio');
      if (!block) return;
      blocks.push(block);
      if (part.cacheControl) blocks.push({ ...CACHE_POINT });
    });
    return blocks;
  }

  private assistantBlocks(message: AssistantMessage): WireObject[] {
    const blocks: WireObject[] = [];
    for (const part of message.content) {
      if (part.type === 'text') {
        // Converse refuses blank text blocks.
        if (part.text.trim() !== '') blocks.push({ text: part.text });
      } else if (part.type === 'reasoning') {
        if (part.redacted) blocks.push({ reasoningContent: { redactedContent: part.text } });
        else if (part.signature)
          blocks.push({
            reasoningContent: { reasoningText: { text: part.text, signature: part.signature } },
          });
        else this.warnOnce('reasoning without a signature from earlier turns was not sent');
      } else {
        blocks.push({
          toolUse: {
            toolUseId: converseToolUseId(part.id),
            name: part.name,
            input: toolInputOf(part.arguments),
          },
        });
      }
      if (part.cacheControl && blocks.length > 0) blocks.push({ ...CACHE_POINT });
    }
    return blocks;
  }

  private toolResult(part: ToolResultPart): WireObject {
    const content: WireObject[] = [];
    for (const inner of part.content) {
      if (inner.type === 'text') content.push({ text: inner.text });
      else {
        const image = this.image(inner);
        if (image) content.push(image);
      }
    }
    // A result must carry content; an empty tool output is sent as empty text.
    if (content.length === 0) content.push({ text: '' });
    const result: WireObject = { toolUseId: converseToolUseId(part.toolCallId), content };
    if (part.isError) result.status = 'error';
    return { toolResult: result };
  }

  /** Canonical turns → Converse messages, consecutive turns of one role merged (Converse requires alternation). */
  private messages(system: TextPart[]): ConverseMessage[] {
    const out: ConverseMessage[] = [];
    const push = (role: 'user' | 'assistant', blocks: WireObject[]) => {
      if (blocks.length === 0) return;
      const last = out[out.length - 1];
      if (last?.role === role) last.content.push(...blocks);
      else out.push({ role, content: blocks });
    };
    for (const message of this.request.messages) {
      switch (message.role) {
        case 'system':
          this.warnOnce('system messages inside the conversation were moved to the system prompt');
          system.push(...message.content);
          break;
        case 'user':
          if (message.name !== undefined)
            this.warnOnce('message names were dropped: Bedrock Converse does not accept them');
          push('user', this.userBlocks(message.content));
          break;
        case 'assistant':
          push('assistant', this.assistantBlocks(message));
          break;
        case 'tool':
          push(
            'user',
            message.content.map((part) => this.toolResult(part)),
          );
          break;
      }
    }
    return out;
  }

  private toolConfig(body: WireObject): void {
    const req = this.request;
    const tools = (req.tools ?? []).map((tool) => {
      const schema = tool.parameters ?? { type: 'object', properties: {} };
      const spec: WireObject = { name: tool.name };
      if (tool.description !== undefined && tool.description !== '') spec.description = tool.description;
      spec.inputSchema = { json: schema.type === undefined ? { type: 'object', ...schema } : schema };
      const blocks: WireObject[] = [{ toolSpec: spec }];
      if (tool.cacheControl) blocks.push({ ...CACHE_POINT });
      return blocks;
    });
    if (tools.length === 0) return;
    const config: WireObject = { tools: tools.flat() };
    const choice = req.toolChoice;
    if (choice === 'auto') config.toolChoice = { auto: {} };
    else if (choice === 'required') config.toolChoice = { any: {} };
    else if (choice === 'none') {
      // Converse has no "none": the tools stay declared (the history may use them) and the model chooses.
      this.warnOnce('tool_choice none was dropped: Bedrock Converse cannot forbid tool calls');
    } else if (choice !== undefined) config.toolChoice = { tool: { name: choice.name } };
    if (req.parallelToolCalls === false) {
      this.warnOnce('parallel_tool_calls false was dropped: Bedrock Converse does not accept it');
    }
    body.toolConfig = config;
  }

  build(): WireObject {
    const req = this.request;
    const system = [...req.system];
    const messages = this.messages(system);
    const body: WireObject = { messages };
    const systemBlocks: WireObject[] = [];
    for (const part of system) {
      if (part.text !== '') systemBlocks.push({ text: part.text });
      if (part.cacheControl && systemBlocks.length > 0) systemBlocks.push({ ...CACHE_POINT });
    }
    if (systemBlocks.length > 0) body.system = systemBlocks;

    const s = req.sampling;
    const inference: WireObject = {};
    if (s.maxTokens !== undefined) inference.maxTokens = s.maxTokens;
    if (s.temperature !== undefined) inference.temperature = s.temperature;
    if (s.topP !== undefined) inference.topP = s.topP;
    if (s.stop !== undefined && s.stop.length > 0) inference.stopSequences = s.stop;
    if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
    for (const [field, value] of [
      ['top_k', s.topK],
      ['seed', s.seed],
      ['presence_penalty', s.presencePenalty],
      ['frequency_penalty', s.frequencyPenalty],
      ['logprobs', s.logprobs],
    ] as const) {
      if (value !== undefined) this.warnOnce(`${field} was dropped: Bedrock Converse does not accept it`);
    }
    if (s.n !== undefined && s.n > 1)
      this.warnOnce('n > 1 was dropped: Bedrock Converse returns one message');

    this.toolConfig(body);
    const format = req.responseFormat;
    if (format?.type === 'json_schema') {
      const jsonSchema: WireObject = {
        // Converse takes the schema as JSON text.
        schema: JSON.stringify(format.schema ?? { type: 'object' }),
        name: format.name,
      };
      if (format.description !== undefined) jsonSchema.description = format.description;
      body.outputConfig = { textFormat: { type: 'json_schema', structure: { jsonSchema } } };
    } else if (format?.type === 'json_object') {
      this.warnOnce('response_format json_object was dropped: Bedrock Converse accepts only a JSON schema');
    }
    const reasoning = req.reasoning;
    if (reasoning && reasoning.enabled !== false && reasoning.effort !== 'none') {
      if (reasoning.budgetTokens !== undefined || reasoning.effort !== undefined || reasoning.enabled) {
        this.warnOnce('reasoning settings were dropped: they are model-specific on Bedrock Converse');
      }
    }
    if (req.metadata !== undefined) {
      // Converse's requestMetadata allows fewer characters and shorter values than OpenAI metadata.
      this.warnOnce('metadata was dropped: Bedrock Converse does not accept it');
    }
    return body;
  }
}

/** Canonical request → the Converse / ConverseStream JSON body, with warnings for what was dropped. */
export function buildConverseBody(request: CanonicalRequest): {
  body: Record<string, unknown>;
  warnings: string[];
} {
  const builder = new ConverseBodyBuilder(request);
  const body = builder.build();
  return { body, warnings: builder.warnings };
}
