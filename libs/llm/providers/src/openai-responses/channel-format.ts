import { isOpenAiCompatibleType } from '../openai/vendors';

/**
 * Whether an OpenAI-compatible channel is reached through the Responses API: its config says
 * `"api_format": "response"` (the fork's setting, also accepted as `responses`).
 */
export function speaksResponsesApi(
  channelType: number,
  config: Record<string, unknown> | undefined,
): boolean {
  if (!isOpenAiCompatibleType(channelType) || !config) return false;
  const format = config.api_format;
  return typeof format === 'string' && /^responses?$/i.test(format.trim());
}
