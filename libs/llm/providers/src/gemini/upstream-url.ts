import { GatewayError, type UpstreamChannel } from '@one-api/llm-core';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/**
 * The API version used when the channel names none (`GEMINI_VERSION` overrides it). One API used `v1`; this gateway
 * defaults to `v1beta` because what the adapter sends needs it: `systemInstruction`, `tools.functionDeclarations` with
 * `toolConfig`, `generationConfig.thinkingConfig`, `responseSchema`, and thought signatures are Gemini API features
 * the official SDKs reach through `v1beta` (their default), and `v1` has answered `Unknown name` for several of them.
 */
export const GEMINI_DEFAULT_API_VERSION = 'v1beta';

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens' | 'embedContent';

const VERSION_SEGMENT = /^v\d+(?:(?:alpha|beta)\d*)?$/;

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `config.api_version`, else the legacy `other` column, else the relay's default, else v1beta. */
export function geminiApiVersion(
  channel: Pick<UpstreamChannel, 'config' | 'other'>,
  fallback?: string,
): string {
  return (
    nonEmptyString(channel.config.api_version) ??
    nonEmptyString(channel.other) ??
    nonEmptyString(fallback) ??
    GEMINI_DEFAULT_API_VERSION
  );
}

/** `gemini-2.5-flash` → `models/gemini-2.5-flash`; `models/x` and `tunedModels/x` are kept as given. */
export function geminiModelPath(model: string): string {
  const trimmed = model.trim();
  if (/^(?:models|tunedModels)\//.test(trimmed)) return trimmed.split('/').map(encodeURIComponent).join('/');
  return `models/${encodeURIComponent(trimmed)}`;
}

/**
 * `{base}/{version}/models/{model}:{method}` (`?alt=sse` for streams). An empty base URL means Google's; a base URL
 * that already ends with a version segment (`.../v1beta`) is used as is.
 */
export function geminiUrl(
  channel: Pick<UpstreamChannel, 'baseUrl' | 'config' | 'other'>,
  model: string,
  method: GeminiMethod,
  defaultVersion?: string,
): string {
  let base = (channel.baseUrl || GEMINI_DEFAULT_BASE_URL).trim();
  while (base.endsWith('/')) base = base.slice(0, -1);
  if (model.trim() === '') {
    throw new GatewayError({ kind: 'invalid-request', message: 'a model is required', param: 'model' });
  }
  const lastSegment = base.slice(base.lastIndexOf('/') + 1);
  const prefix = VERSION_SEGMENT.test(lastSegment)
    ? base
    : `${base}/${geminiApiVersion(channel, defaultVersion)}`;
  const query = method === 'streamGenerateContent' ? '?alt=sse' : '';
  return `${prefix}/${geminiModelPath(model)}:${method}${query}`;
}
