import { randomBytes } from 'node:crypto';

export const SYSTEM_FINGERPRINT = 'fp_fake_openai';

/** Identity shared by every chunk of one response (OpenAI repeats id, created and model on each chunk). */
export interface ResponseMeta {
  id: string;
  created: number;
  model: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random [A-Za-z0-9] characters (OpenAI-looking ids; a slight modulo bias is fine here). */
export function randomId(length: number): string {
  let out = '';
  for (const byte of randomBytes(length)) out += ALNUM[byte % ALNUM.length];
  return out;
}

export function responseMeta(prefix: string, model: string): ResponseMeta {
  return { id: `${prefix}-${randomId(29)}`, created: Math.floor(Date.now() / 1000), model };
}

/** Splits text into stream deltas: one word with its trailing whitespace per piece (joins back to `text`). */
export function wordPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Splits text into pieces of `size` code points (joins back to `text`). */
export function fixedPieces(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}
