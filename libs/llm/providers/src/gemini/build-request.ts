import {
  invalidRequest,
  isRecord,
  parseDataUrl,
  tryParseJson,
  type AssistantMessage,
  type CanonicalMessage,
  type CanonicalRequest,
  type ImagePart,
  type JsonObject,
  type ToolMessage,
  type UpstreamChannel,
  type UpstreamHttpRequest,
  type UserPart,
} from '@one-api/llm-core';
import { toGeminiParameters, toGeminiSchema } from './schema';
import { fromCanonicalSignature, GEMINI_SKIP_SIGNATURE } from './signatures';
import { geminiUrl } from './upstream-url';

export interface GeminiAdapterOptions {
  /** API version when the channel names none (`GEMINI_VERSION`); default `v1beta`. */
  defaultApiVersion?: string;
  /** Threshold sent for every harm category (`GEMINI_SAFETY_SETTING`); default `BLOCK_NONE`. */
  safetyThreshold?: string;
}

export const GEMINI_DEFAULT_SAFETY_THRESHOLD = 'BLOCK_NONE';

/** The adjustable harm categories of the Gemini API (civic integrity is deprecated there). */
export const GEMINI_HARM_CATEGORIES: readonly string[] = [
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
];

/** Gemini accepts at most five stop sequences. */
const MAX_STOP_SEQUENCES = 5;

/** Thinking budgets used for a reasoning effort on models that take a budget (Gemini 2.x). */
const EFFORT_BUDGET: Readonly<Record<string, number>> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};

type Part = JsonObject;
interface Content {
  role: 'user' | 'model';
  parts: Part[];
  /** Function responses stay in their own content, right after the model's calls. */
  functionResponses: boolean;
}

/** Files-API URIs and Cloud Storage URIs are the remote media Gemini can read (`fileData`). */
export function isGeminiFileUri(url: string): boolean {
  return (
    /^gs:\/\//i.test(url) || /^https:\/\/generativelanguage\.googleapis\.com\/[^?#]*\/files\//i.test(url)
  );
}

const EXTENSION_MIME: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  txt: 'text/plain',
};

function mimeFromUrl(url: string, fallback: string): string {
  const match = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url);
  return (match && EXTENSION_MIME[match[1].toLowerCase()]) ?? fallback;
}

function isGemini3(model: string): boolean {
  return /gemini-(?:[3-9]|\d{2,})/i.test(model);
}

class BodyBuilder {
  readonly warnings: string[] = [];
  private readonly contents: Content[] = [];
  /** Tool call id → function name, from every assistant turn of the history. */
  private readonly callNames = new Map<string, string>();

  constructor(
    private readonly request: CanonicalRequest,
    private readonly options: GeminiAdapterOptions,
  ) {}

  private warnOnce(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  private noteCache(part: { cacheControl?: unknown }): void {
    if (part.cacheControl)
      this.warnOnce(
        'cache_control hints were dropped: Gemini caches prompts implicitly (cachedContent is not used)',
      );
  }

  private push(role: 'user' | 'model', parts: Part[], functionResponses = false): void {
    if (parts.length === 0) return;
    const last = this.contents[this.contents.length - 1];
    if (last && last.role === role && last.functionResponses === functionResponses) last.parts.push(...parts);
    else this.contents.push({ role, parts, functionResponses });
  }

  private remoteMedia(url: string, fallbackMime: string, param: string): Part {
    if (isGeminiFileUri(url)) return { fileData: { mimeType: mimeFromUrl(url, fallbackMime), fileUri: url } };
    throw invalidRequest(
      'Gemini cannot fetch media from a URL: send the image or file inline as a base64 data URL ' +
        '(or as a Gemini Files API / gs:// URI)',
      param,
    );
  }

  private imagePart(part: ImagePart): Part {
    this.noteCache(part);
    if (part.source.kind === 'base64')
      return { inlineData: { mimeType: part.source.mediaType, data: part.source.data } };
    const inline = parseDataUrl(part.source.url);
    if (inline) return { inlineData: { mimeType: inline.mediaType || 'image/jpeg', data: inline.data } };
    return this.remoteMedia(part.source.url, 'image/jpeg', 'image_url');
  }

  private userPart(part: UserPart): Part | undefined {
    switch (part.type) {
      case 'text':
        this.noteCache(part);
        return part.text === '' ? undefined : { text: part.text };
      case 'image':
        return this.imagePart(part);
      case 'audio': {
        this.noteCache(part);
        const format = part.format.toLowerCase();
        return {
          inlineData: { mimeType: format.includes('/') ? format : `audio/${format}`, data: part.data },
        };
      }
      case 'file': {
        this.noteCache(part);
        if (part.data !== undefined) {
          const inline = parseDataUrl(part.data);
          if (inline) return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
          return { inlineData: { mimeType: part.mediaType ?? 'application/pdf', data: part.data } };
        }
        if (part.url !== undefined) {
          const inline = parseDataUrl(part.url);
          if (inline) return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
          return this.remoteMedia(part.url, part.mediaType ?? 'application/pdf', 'file');
        }
        this.warnOnce('a file given only by id was dropped: Gemini reads inline data or Files API URIs');
        return undefined;
      }
    }
  }

  private functionArgs(raw: string): JsonObject {
    if (raw.trim() === '') return {};
    const parsed = tryParseJson(raw);
    if (isRecord(parsed)) return parsed;
    this.warnOnce('tool call arguments that were not a JSON object were sent as an empty object');
    return {};
  }

  /**
   * An assistant turn as a `model` content. Reasoning text is not sent back (Gemini reads nothing from thought
   * summaries); a Gemini signature it carries moves to the next text or function-call part, and the first function
   * call of the turn gets the documented skip value when it has no signature of its own.
   */
  private assistant(message: AssistantMessage): void {
    const parts: Part[] = [];
    let pending: string | undefined;
    let firstCall = true;
    // Clients that keep reasoning apart from the content (OpenAI `thinking`) put it first: when the turn has function
    // calls, a signature belongs to the next call rather than to text in between.
    const hasCalls = message.content.some((part) => part.type === 'tool-call');
    for (const part of message.content) {
      this.noteCache(part);
      if (part.type === 'reasoning') {
        const signature = part.redacted ? undefined : fromCanonicalSignature(part.signature);
        if (signature !== undefined) pending = signature;
        continue;
      }
      if (part.type === 'text') {
        if (part.text === '') continue;
        const text: Part = { text: part.text };
        if (pending !== undefined && !hasCalls) {
          text.thoughtSignature = pending;
          pending = undefined;
        }
        parts.push(text);
        continue;
      }
      const call: Part = { functionCall: { name: part.name, args: this.functionArgs(part.arguments) } };
      if (pending !== undefined) call.thoughtSignature = pending;
      else if (firstCall) call.thoughtSignature = GEMINI_SKIP_SIGNATURE;
      pending = undefined;
      firstCall = false;
      parts.push(call);
    }
    this.push('model', parts);
  }

  private tool(message: ToolMessage): void {
    const responses: Part[] = [];
    const images: Part[] = [];
    for (const result of message.content) {
      this.noteCache(result);
      let name = this.callNames.get(result.toolCallId) ?? result.name;
      if (name === undefined) {
        this.warnOnce('a tool result without a matching tool call was sent under its call id');
        name = result.toolCallId;
      }
      const text = result.content
        .map((part) => (part.type === 'text' ? part.text : undefined))
        .filter((part): part is string => part !== undefined)
        .join('\n');
      for (const part of result.content) if (part.type === 'image') images.push(this.imagePart(part));
      responses.push({
        functionResponse: { name, response: result.isError ? { error: text } : { output: text } },
      });
    }
    this.push('user', responses, true);
    if (images.length > 0) {
      this.warnOnce('images in tool results were moved to a following user turn');
      this.push('user', images);
    }
  }

  private message(message: CanonicalMessage): void {
    switch (message.role) {
      case 'system':
        this.warnOnce('a system message inside the conversation was sent as user text');
        this.push(
          'user',
          message.content.filter((part) => part.text !== '').map((part) => ({ text: part.text })),
        );
        return;
      case 'user':
        this.push(
          'user',
          message.content
            .map((part) => this.userPart(part))
            .filter((part): part is Part => part !== undefined),
        );
        return;
      case 'assistant':
        this.assistant(message);
        return;
      case 'tool':
        this.tool(message);
        return;
    }
  }

  build(): JsonObject {
    const req = this.request;
    for (const message of req.messages) {
      if (message.role !== 'assistant') continue;
      for (const part of message.content)
        if (part.type === 'tool-call') this.callNames.set(part.id, part.name);
    }
    for (const message of req.messages) this.message(message);
    if (this.contents.length === 0) {
      throw invalidRequest('Gemini needs at least one message with content', 'messages');
    }

    const body: JsonObject = {
      contents: this.contents.map((content) => ({ role: content.role, parts: content.parts })),
    };
    const system = req.system.filter((part) => part.text !== '');
    for (const part of req.system) this.noteCache(part);
    if (system.length > 0) body.systemInstruction = { parts: system.map((part) => ({ text: part.text })) };

    this.tools(body);
    const generationConfig = this.generationConfig();
    if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
    const threshold = this.options.safetyThreshold ?? GEMINI_DEFAULT_SAFETY_THRESHOLD;
    if (threshold !== '')
      body.safetySettings = GEMINI_HARM_CATEGORIES.map((category) => ({ category, threshold }));

    if (req.metadata !== undefined) this.warnOnce('metadata was dropped: Gemini has no such field');
    if (req.parallelToolCalls === false)
      this.warnOnce('parallel_tool_calls=false was dropped: Gemini cannot turn parallel calls off');
    if (req.extra && req.sourceFormat === 'gemini') {
      for (const [key, value] of Object.entries(req.extra)) if (!(key in body)) body[key] = value;
    }
    return body;
  }

  private tools(body: JsonObject): void {
    const req = this.request;
    if (req.tools === undefined || req.tools.length === 0) return;
    body.tools = [
      {
        functionDeclarations: req.tools.map((tool) => {
          this.noteCache(tool);
          const declaration: JsonObject = { name: tool.name };
          if (tool.description !== undefined && tool.description !== '')
            declaration.description = tool.description;
          const parameters = toGeminiParameters(tool.parameters);
          if (parameters !== undefined) declaration.parameters = parameters;
          return declaration;
        }),
      },
    ];
    const choice = req.toolChoice;
    if (choice === undefined) return;
    const config: JsonObject =
      choice === 'auto'
        ? { mode: 'AUTO' }
        : choice === 'none'
          ? { mode: 'NONE' }
          : choice === 'required'
            ? { mode: 'ANY' }
            : { mode: 'ANY', allowedFunctionNames: [choice.name] };
    body.toolConfig = { functionCallingConfig: config };
  }

  private generationConfig(): JsonObject {
    const req = this.request;
    const s = req.sampling;
    const config: JsonObject = {};
    if (s.maxTokens !== undefined) config.maxOutputTokens = s.maxTokens;
    if (s.temperature !== undefined) config.temperature = s.temperature;
    if (s.topP !== undefined) config.topP = s.topP;
    if (s.topK !== undefined) config.topK = s.topK;
    if (s.stop !== undefined && s.stop.length > 0) {
      if (s.stop.length > MAX_STOP_SEQUENCES)
        this.warnOnce(
          `only the first ${MAX_STOP_SEQUENCES} stop sequences were sent: Gemini accepts no more`,
        );
      config.stopSequences = s.stop.slice(0, MAX_STOP_SEQUENCES);
    }
    if (s.n !== undefined) config.candidateCount = s.n;
    if (s.seed !== undefined) config.seed = s.seed;
    if (s.presencePenalty !== undefined) config.presencePenalty = s.presencePenalty;
    if (s.frequencyPenalty !== undefined) config.frequencyPenalty = s.frequencyPenalty;
    if (s.logprobs !== undefined || s.topLogprobs !== undefined)
      this.warnOnce('logprobs were dropped: the Gemini adapter does not return them');

    const format = req.responseFormat;
    if (format?.type === 'json_object') config.responseMimeType = 'application/json';
    else if (format?.type === 'json_schema') {
      config.responseMimeType = 'application/json';
      if (format.schema !== undefined) config.responseSchema = toGeminiSchema(format.schema);
    }

    const modalities = this.responseModalities();
    if (modalities) config.responseModalities = modalities;

    const thinking = this.thinkingConfig();
    if (thinking) config.thinkingConfig = thinking;
    return config;
  }

  /**
   * Image output asked for (Chat's `modalities: ["text", "image"]`) → `responseModalities` (`TEXT`, `IMAGE`), which
   * image models (gemini-2.5-flash-image, …) answer with `inlineData` image parts. Text-only asks need nothing.
   */
  private responseModalities(): string[] | undefined {
    const asked = this.request.outputModalities?.map((m) => m.toLowerCase());
    if (!asked?.includes('image')) return undefined;
    if (asked.includes('audio'))
      this.warnOnce('audio output was dropped: Gemini answers text and images in one response');
    return asked.includes('text') ? ['TEXT', 'IMAGE'] : ['IMAGE'];
  }

  /**
   * Canonical reasoning → `thinkingConfig`. A budget is sent as `thinkingBudget` (Gemini 3 accepts it for
   * compatibility); an effort is sent as `thinkingLevel` to Gemini 3 models (Pro knows only low/high) and as a budget
   * to older ones. Thoughts are included whenever reasoning was asked for and not turned off.
   */
  private thinkingConfig(): JsonObject | undefined {
    const reasoning = this.request.reasoning;
    if (!reasoning) return undefined;
    const model = this.request.model;
    const gemini3 = isGemini3(model);
    const flash = /flash/i.test(model);
    const off = reasoning.enabled === false || reasoning.effort === 'none' || reasoning.budgetTokens === 0;
    if (off) {
      if (gemini3) {
        this.warnOnce('Gemini 3 models cannot turn thinking off: the lowest thinking level was sent');
        return { thinkingLevel: flash ? 'minimal' : 'low' };
      }
      if (/pro/i.test(model)) {
        this.warnOnce('Gemini Pro models cannot turn thinking off: the smallest budget (128) was sent');
        return { thinkingBudget: 128 };
      }
      return { thinkingBudget: 0 };
    }
    const config: JsonObject = { includeThoughts: true };
    if (reasoning.budgetTokens !== undefined) config.thinkingBudget = reasoning.budgetTokens;
    else if (reasoning.effort !== undefined) {
      const effort = String(reasoning.effort).toLowerCase();
      if (gemini3) {
        config.thinkingLevel =
          effort === 'minimal'
            ? flash
              ? 'minimal'
              : 'low'
            : effort === 'low'
              ? 'low'
              : effort === 'medium'
                ? flash
                  ? 'medium'
                  : 'high'
                : 'high';
      } else config.thinkingBudget = EFFORT_BUDGET[effort] ?? -1;
    } else if (!gemini3) config.thinkingBudget = -1;
    return config;
  }
}

/** Canonical request → the Gemini `GenerateContentRequest` body (also what Vertex AI takes), with warnings. */
export function buildGeminiBody(
  request: CanonicalRequest,
  options: GeminiAdapterOptions = {},
): { body: JsonObject; warnings: string[] } {
  const builder = new BodyBuilder(request, options);
  const body = builder.build();
  return { body, warnings: builder.warnings };
}

/** The full upstream call: `{base}/{version}/models/{model}:generateContent` (or SSE stream), `x-goog-api-key`. */
export function buildGeminiRequest(
  request: CanonicalRequest,
  channel: UpstreamChannel,
  options: GeminiAdapterOptions = {},
): UpstreamHttpRequest {
  const { body, warnings } = buildGeminiBody(request, options);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (channel.key) headers['x-goog-api-key'] = channel.key;
  return {
    url: geminiUrl(
      channel,
      request.model,
      request.stream ? 'streamGenerateContent' : 'generateContent',
      options.defaultApiVersion,
    ),
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    warnings,
  };
}
