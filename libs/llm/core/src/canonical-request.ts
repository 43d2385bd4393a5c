/**
 * The canonical request every inbound codec decodes to and every upstream adapter builds from.
 * Inbound formats (OpenAI Chat, Responses, Claude Messages) and upstream protocols never talk to each other directly.
 */

/** Wire formats known to the gateway; codecs and adapters name theirs so passthrough can be decided. */
export type WireFormat =
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic-messages'
  | 'gemini'
  /** AWS Bedrock runtime (Converse, and InvokeModel for Claude): never the caller's format, always converted. */
  | 'bedrock'
  /** Native protocols of Chinese vendors and DeepL: never the caller's format, always converted. */
  | 'dashscope'
  | 'baidu-ernie'
  | 'tencent-hunyuan'
  | 'deepl'
  | 'xunfei-spark'
  | 'aiproxy-library'
  /** Vertex AI publisher models: the Gemini body at `:generateContent`, the Claude body at `:rawPredict` (always converted). */
  | 'vertex-gemini'
  | 'vertex-anthropic'
  /** Cohere v2 chat, Ollama's native /api/chat (NDJSON streams), Replicate predictions, Coze v3 chat: always converted. */
  | 'cohere'
  | 'ollama'
  | 'replicate'
  | 'coze'
  | (string & {});

/** Prompt-caching hint on a part (Anthropic `cache_control`). `ttl` absent means the provider default (5m). */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

interface PartBase {
  cacheControl?: CacheControl;
}

export interface TextPart extends PartBase {
  type: 'text';
  text: string;
}

export type ImageSource = { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string };

export interface ImagePart extends PartBase {
  type: 'image';
  source: ImageSource;
  /** OpenAI vision detail level. */
  detail?: 'auto' | 'low' | 'high';
}

export interface AudioPart extends PartBase {
  type: 'audio';
  /** Base64 audio bytes. */
  data: string;
  /** Container format as the client named it, e.g. `wav`, `mp3`. */
  format: string;
}

export interface FilePart extends PartBase {
  type: 'file';
  /** Provider-side file id (OpenAI `file_id`). */
  fileId?: string;
  filename?: string;
  /** Base64 file bytes (without the data-URL prefix). */
  data?: string;
  mediaType?: string;
  url?: string;
}

export interface ToolCallPart extends PartBase {
  type: 'tool-call';
  id: string;
  name: string;
  /** The arguments as a JSON string, exactly as the model produced them. */
  arguments: string;
}

export interface ToolResultPart extends PartBase {
  type: 'tool-result';
  toolCallId: string;
  /** Tool name when the source format carries it (legacy OpenAI `function` messages). */
  name?: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
}

export interface ReasoningPart extends PartBase {
  type: 'reasoning';
  /** Reasoning text; for a redacted block, the opaque encrypted payload. */
  text: string;
  /** Provider signature that lets the reasoning be sent back (Anthropic thinking). */
  signature?: string;
  /** True for a redacted (encrypted) reasoning block. */
  redacted?: boolean;
}

export type UserPart = TextPart | ImagePart | AudioPart | FilePart;
export type AssistantPart = TextPart | ReasoningPart | ToolCallPart;

/** System or developer instructions that appear after the conversation started (leading ones go to `system`). */
export interface SystemMessage {
  role: 'system';
  content: TextPart[];
}

export interface UserMessage {
  role: 'user';
  content: UserPart[];
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: AssistantPart[];
  name?: string;
}

/** Results of one or more tool calls; consecutive tool results are kept in one message. */
export interface ToolMessage {
  role: 'tool';
  content: ToolResultPart[];
}

export type CanonicalMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** A JSON Schema object (kept as given). */
export type JsonSchema = Record<string, unknown>;

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments; absent when the client gave none. */
  parameters?: JsonSchema;
  strict?: boolean;
  cacheControl?: CacheControl;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; name: string };

export interface SamplingSettings {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  n?: number;
  logprobs?: boolean;
  topLogprobs?: number;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema?: JsonSchema; strict?: boolean; description?: string };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | (string & {});

export interface ReasoningSettings {
  effort?: ReasoningEffort;
  budgetTokens?: number;
  /** Explicit on/off (Anthropic thinking type, `?thinking=`). */
  enabled?: boolean;
}

export interface CanonicalRequest {
  model: string;
  /** Leading system / developer instructions, in order. */
  system: TextPart[];
  messages: CanonicalMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  sampling: SamplingSettings;
  responseFormat?: ResponseFormat;
  reasoning?: ReasoningSettings;
  stream: boolean;
  /** The client asked for usage in the stream (OpenAI `stream_options.include_usage`). */
  includeUsage?: boolean;
  /**
   * What the answer should hold, lower case as Chat's `modalities` (`["text", "image"]` asks an image model for
   * images, as OpenRouter does; `audio`); absent means text.
   */
  outputModalities?: string[];
  user?: string;
  metadata?: Record<string, string>;
  /** Format the request arrived in; adapters pass `extra` through only to an upstream speaking the same format. */
  sourceFormat?: WireFormat;
  /** Top-level fields the codec does not model, kept verbatim for passthrough. */
  extra?: Record<string, unknown>;
  /** Codec-private notes carried from decodeRequest to the response encoders (e.g. legacy `functions` calling). */
  codecState?: Record<string, unknown>;
}
