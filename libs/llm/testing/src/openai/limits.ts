import { CHARS_PER_TOKEN, estimateTokens } from './usage';

/**
 * Applies `stop` sequences (text cut before the earliest one, finish "stop") and a token limit (text cut to
 * limit × 4 characters, finish "length").
 */
export function limitText(
  text: string,
  stop: string | string[] | null | undefined,
  maxTokens: number | null | undefined,
): { text: string; finishReason: 'stop' | 'length' } {
  const stops = typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop : [];
  let cutAt = -1;
  for (const s of stops) {
    const i = typeof s === 'string' && s !== '' ? text.indexOf(s) : -1;
    if (i !== -1 && (cutAt === -1 || i < cutAt)) cutAt = i;
  }
  if (cutAt !== -1) text = text.slice(0, cutAt);
  if (typeof maxTokens === 'number' && maxTokens > 0 && estimateTokens(text) > maxTokens) {
    return { text: text.slice(0, maxTokens * CHARS_PER_TOKEN), finishReason: 'length' };
  }
  return { text, finishReason: 'stop' };
}
