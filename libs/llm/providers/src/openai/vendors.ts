import { channelTypeInfo } from '@one-api/contracts';
import { azureAcceptsStreamOptions, azureApiVersion } from './azure-url';

/**
 * OpenAI-compatible vendors as data: every channel type served by the OpenAI adapter, with the small differences
 * that matter on the wire. Nothing here is code copied per vendor.
 */
export interface OpenAiCompatibleVendor {
  /** One API channel type id. */
  type: number;
  /**
   * What replaces the `/v1` of an OpenAI endpoint path: `/v1` (the default) keeps it, `''` drops it for bases that
   * already end in a version, `/api/v3` for Doubao, ... `{user_id}` is replaced by the channel's `config.user_id`
   * (Cloudflare's account id).
   */
  versionPath: string;
  /**
   * Version paths for models by id prefix, checked before `versionPath` (Volcengine bot models `bot-…` live under
   * `/api/v3/bots`).
   */
  modelVersionPaths?: ReadonlyArray<{ prefix: string; versionPath: string }>;
  /** Whole-path overrides by OpenAI endpoint path (Minimax's chat endpoint). */
  pathOverrides?: Readonly<Record<string, string>>;
  /** Extra request headers. */
  headers?: Readonly<Record<string, string>>;
  /** Which max-tokens field to send; `auto` uses `max_completion_tokens` for reasoning models only. */
  maxTokensField: 'auto' | 'max_tokens' | 'max_completion_tokens';
  /** Accepts the non-standard `top_k` sampling field. */
  acceptsTopK: boolean;
  /** Accepts `cache_control` on content parts (Anthropic-style prompt caching through an OpenAI API). */
  acceptsCacheControl: boolean;
  /** Send `stream_options.include_usage` when streaming. */
  streamUsage: boolean;
  /** How the channel key is sent: `Authorization: Bearer` (default) or Azure's `api-key` header. */
  auth?: 'bearer' | 'api-key';
  /** Azure's URL scheme: `{base}/openai/deployments/{model without dots}/{task}?api-version=...` (see upstream-url). */
  azureDeployments?: boolean;
}

/** The editor identity GitHub Copilot's API requires of its callers. */
export const COPILOT_HEADERS: Readonly<Record<string, string>> = {
  'Editor-Version': 'vscode/1.95.0',
  'Editor-Plugin-Version': 'copilot-chat/0.22.4',
  'Copilot-Integration-Id': 'vscode-chat',
  'User-Agent': 'GitHubCopilotChat/0.22.4',
};

/** OpenRouter's app attribution headers (One API sends these for channel type 20). */
export const OPENROUTER_HEADERS: Readonly<Record<string, string>> = {
  'HTTP-Referer': 'https://github.com/songquanpeng/one-api',
  'X-Title': 'One API',
};

const DEFAULTS: Omit<OpenAiCompatibleVendor, 'type'> = {
  versionPath: '/v1',
  maxTokensField: 'auto',
  acceptsTopK: false,
  acceptsCacheControl: false,
  streamUsage: true,
};

const OVERRIDES: Readonly<Record<number, Partial<OpenAiCompatibleVendor>>> = {
  3: { auth: 'api-key', azureDeployments: true }, // Azure OpenAI
  8: { acceptsTopK: true }, // Custom (often vLLM / SGLang)
  16: { versionPath: '/api/paas/v4' }, // Zhipu v4 (JWT auth: zhipu/adapter.ts)
  20: { headers: OPENROUTER_HEADERS, acceptsTopK: true, acceptsCacheControl: true }, // OpenRouter
  27: { pathOverrides: { '/v1/chat/completions': '/v1/text/chatcompletion_v2' } }, // Minimax
  29: {}, // Groq: the default base already ends in /openai
  37: { versionPath: '/client/v4/accounts/{user_id}/ai/v1' }, // Cloudflare Workers AI (OpenAI-compatible)
  39: { acceptsTopK: true }, // TogetherAI
  40: { versionPath: '/api/v3', modelVersionPaths: [{ prefix: 'bot-', versionPath: '/api/v3/bots' }] }, // Doubao
  41: { versionPath: '', acceptsTopK: true }, // Novita: base holds /v3/openai
  44: { acceptsTopK: true }, // SiliconFlow
  47: { versionPath: '/v2' }, // BaiduV2 (Qianfan v2)
  49: { versionPath: '/compatible-mode/v1' }, // AliBailian
  50: { acceptsTopK: true }, // OpenAICompatible
  51: { versionPath: '' }, // GeminiOpenAICompatible: base holds /v1beta/openai
  53: { versionPath: '', headers: COPILOT_HEADERS }, // GitHub Copilot (token exchange: copilot/adapter.ts)
  54: { acceptsTopK: true }, // Fireworks
  55: { versionPath: '' }, // NVIDIA: base holds /v1
  56: { versionPath: '' }, // Cerebras: base holds /v1
  57: { acceptsTopK: true }, // DeepInfra
};

/** Channel types served by the OpenAI adapter. */
export const OPENAI_COMPATIBLE_TYPES: readonly number[] = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 16, 19, 20, 22, 25, 26, 27, 28, 29, 31, 32, 36, 37, 39, 40, 41, 44,
  45, 47, 48, 49, 50, 51, 53, 54, 55, 56, 57,
];

const VENDORS: ReadonlyMap<number, OpenAiCompatibleVendor> = new Map(
  OPENAI_COMPATIBLE_TYPES.map((type) => [type, { ...DEFAULTS, ...OVERRIDES[type], type }]),
);

export function isOpenAiCompatibleType(type: number): boolean {
  return VENDORS.has(type);
}

export function openAiCompatibleVendor(type: number): OpenAiCompatibleVendor | undefined {
  return VENDORS.get(type);
}

/** The vendor entry, or the plain OpenAI rules for a type outside the registry. */
export function vendorOrDefault(type: number): OpenAiCompatibleVendor {
  return VENDORS.get(type) ?? { ...DEFAULTS, type };
}

/**
 * Whether the channel takes `stream_options` at all: every vendor does, except Azure before api-version
 * 2024-09-01-preview (the channel's `config.api_version`, else its `other` column, else the UI default
 * 2024-03-01-preview). Such channels get no `stream_options`; streamed usage then comes from the local estimate.
 */
export function acceptsStreamOptions(
  type: number,
  target: { config?: Record<string, unknown>; other?: string | null } = {},
): boolean {
  if (!vendorOrDefault(type).azureDeployments) return true;
  return azureAcceptsStreamOptions(azureApiVersion(target.config, target.other));
}

/** The channel type's default base URL (contracts' channel-type table), '' when it has none. */
export function defaultBaseUrl(type: number): string {
  return channelTypeInfo(type)?.baseUrl ?? '';
}

/** The header that carries the channel key: Azure's `api-key`, else `Authorization: Bearer` (none for an empty key). */
export function vendorAuthHeaders(type: number, key: string): Record<string, string> {
  if (!key) return {};
  return vendorOrDefault(type).auth === 'api-key' ? { 'api-key': key } : { Authorization: `Bearer ${key}` };
}
