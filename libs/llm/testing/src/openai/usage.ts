import type { ChatMessage, ChatRequest, CompletionUsage } from './types';

/**
 * The fake's token arithmetic, exported so tests can predict every `usage` number:
 *   tokens(text) = max(1, ceil(text.length / 4))   (length in UTF-16 code units)
 *   chat prompt_tokens = tokens(concatenated message text) + 85 per image part
 *   completion_tokens = tokens(reply text), or tokens(name + arguments of every tool call)
 */
export const CHARS_PER_TOKEN = 4;
export const IMAGE_PART_TOKENS = 85;

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));
}

/** The text of a `content` field: the string itself, or the text / refusal parts joined. */
export function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    if (typeof part?.text === 'string') out += part.text;
    else if (typeof part?.refusal === 'string') out += part.refusal;
  }
  return out;
}

/** What the fake counts in one message: its content text plus every tool call's name and arguments. */
export function messageText(message: ChatMessage): string {
  let out = contentText(message.content);
  for (const call of message.tool_calls ?? [])
    out += (call.function?.name ?? '') + (call.function?.arguments ?? '');
  return out;
}

export function imagePartCount(message: ChatMessage): number {
  return Array.isArray(message.content) ? message.content.filter((p) => p?.type === 'image_url').length : 0;
}

export function chatPromptTokens(req: ChatRequest): number {
  const messages = Array.isArray(req.messages) ? req.messages : [];
  let text = '';
  let images = 0;
  for (const m of messages) {
    text += messageText(m);
    images += imagePartCount(m);
  }
  return estimateTokens(text) + images * IMAGE_PART_TOKENS;
}

/** Prompt tokens of a legacy completion prompt or an embedding input: strings are estimated, token arrays counted. */
export function inputTokens(input: unknown): number {
  if (typeof input === 'string') return estimateTokens(input);
  if (!Array.isArray(input) || input.length === 0) return 1;
  if (input.every((x) => typeof x === 'number')) return input.length;
  return input.reduce<number>((sum, item) => sum + inputTokens(item), 0);
}

/** The prompts of a completion request / the inputs of an embedding request, one entry per item. */
export function inputItems(input: unknown): Array<string | number[]> {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return [''];
  if (input.every((x) => typeof x === 'number')) return [input as number[]];
  return input.map((item) =>
    typeof item === 'string' ? item : Array.isArray(item) ? (item as number[]) : '',
  );
}

export function usageOf(promptTokens: number, completionTokens: number): CompletionUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** Audio tokens the fake counts: 100 per `input_audio` part; 4 per text token of a reply asked for as audio. */
export const INPUT_AUDIO_PART_TOKENS = 100;
export const AUDIO_TOKENS_PER_TEXT_TOKEN = 4;

export interface ChatAudioTokens {
  input: number;
  output: number;
}

/** Audio tokens of a chat call (gpt-4o-audio-preview style): input audio parts, and the spoken reply. */
export function chatAudioTokens(req: ChatRequest, replyTextTokens: number): ChatAudioTokens {
  const messages = Array.isArray(req.messages) ? req.messages : [];
  const parts = messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  const input = parts.filter((p) => p?.type === 'input_audio').length * INPUT_AUDIO_PART_TOKENS;
  const modalities = (req as { modalities?: unknown }).modalities;
  const spoken = Array.isArray(modalities) && modalities.includes('audio');
  return { input, output: spoken ? replyTextTokens * AUDIO_TOKENS_PER_TEXT_TOKEN : 0 };
}

/** The chat `usage` object as OpenAI sends it (with the token-detail sub-objects). */
export function chatUsageBody(
  usage: CompletionUsage,
  audio: ChatAudioTokens = { input: 0, output: 0 },
): Record<string, unknown> {
  return {
    ...usage,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: audio.input },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: audio.output,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
