import type { UpstreamAdapter } from '@one-api/llm-core';
import { openAiAdapter } from './openai/adapter';
import { geminiAdapter } from './gemini/adapter';
import { isOpenAiCompatibleType } from './openai/vendors';

/** The upstream adapter for a One API channel type, or undefined when the type is not supported yet. */
export function adapterForChannelType(channelType: number): UpstreamAdapter | undefined {
  if (isOpenAiCompatibleType(channelType)) return openAiAdapter;
  if (channelType === 24) return geminiAdapter;
  return undefined;
}
