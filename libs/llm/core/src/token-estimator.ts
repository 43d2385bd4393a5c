/**
 * Local token counting with js-tiktoken's o200k_base / cl100k_base tables, for prompts before the call (quota
 * reservation) and for completions when the upstream reported no usage. Counters are built lazily on first use
 * (about 150 ms and 12 MB for o200k_base) and cached; `warmUpTokenizers()` builds them ahead of time.
 */
import { BpeTokenCounter, type BpeRanks } from './bpe-token-counter';
import type { CanonicalMessage, CanonicalRequest, ImagePart, TextPart } from './canonical-request';
import type { ResponseContentPart } from './canonical-response';

export type TokenizerEncoding = 'o200k_base' | 'cl100k_base';

/** OpenAI's chat accounting: every message costs 3 tokens of framing, a name 1 more, the reply priming 3. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING_TOKENS = 3;
/** Images are counted without fetching them: low detail is a flat 85, otherwise a 1024x1024 tile estimate. */
export const IMAGE_TOKENS_LOW = 85;
export const IMAGE_TOKENS_DEFAULT = 765;

const O200K_MODEL = /^(?:gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|chatgpt-4o|codex|o\d)/;

/** o200k_base for the gpt-4o / gpt-4.1 / gpt-5 / o-series families, cl100k_base for everything else. */
export function encodingForModel(model: string): TokenizerEncoding {
  const name = model.toLowerCase();
  const bare = name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name;
  return O200K_MODEL.test(bare) ? 'o200k_base' : 'cl100k_base';
}

const counters = new Map<TokenizerEncoding, BpeTokenCounter>();

/** Loads a js-tiktoken rank table and lets the module (a 1-2 MB string) be collected once parsed. */
export function loadRankTable(encoding: TokenizerEncoding): BpeRanks {
  const path = require.resolve(`js-tiktoken/ranks/${encoding}`);
  const loaded = require(path);
  delete require.cache[path];
  return (loaded.default ?? loaded) as BpeRanks;
}

function counterFor(encoding: TokenizerEncoding): BpeTokenCounter {
  let counter = counters.get(encoding);
  if (!counter) {
    counter = new BpeTokenCounter(loadRankTable(encoding));
    counters.set(encoding, counter);
  }
  return counter;
}

export function warmUpTokenizers(encodings: TokenizerEncoding[] = ['o200k_base', 'cl100k_base']): void {
  for (const encoding of encodings) counterFor(encoding);
}

/** Tokens of a plain string; special-token text such as `<|endoftext|>` is counted as ordinary text. */
export function countTextTokens(text: string, model: string): number {
  if (text.length === 0) return 0;
  return counterFor(encodingForModel(model)).count(text);
}

function imageTokens(part: ImagePart): number {
  return part.detail === 'low' ? IMAGE_TOKENS_LOW : IMAGE_TOKENS_DEFAULT;
}

function textOf(parts: TextPart[]): string {
  return parts.map((part) => part.text).join('');
}

function messageContentTokens(message: CanonicalMessage, model: string): number {
  let tokens = 0;
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
      case 'reasoning':
        tokens += countTextTokens(part.text, model);
        break;
      case 'image':
        tokens += imageTokens(part);
        break;
      case 'tool-call':
        tokens += countTextTokens(part.name, model) + countTextTokens(part.arguments, model);
        break;
      case 'tool-result':
        for (const inner of part.content) {
          tokens += inner.type === 'text' ? countTextTokens(inner.text, model) : imageTokens(inner);
        }
        break;
      default:
        // Audio and files cannot be sized without decoding them; the upstream's usage settles them.
        break;
    }
  }
  return tokens;
}

/** Estimated prompt tokens of a canonical request, the way OpenAI counts chat prompts. */
export function estimatePromptTokens(request: CanonicalRequest): number {
  const model = request.model;
  let tokens = REPLY_PRIMING_TOKENS;
  if (request.system.length > 0) {
    tokens +=
      TOKENS_PER_MESSAGE + countTextTokens('system', model) + countTextTokens(textOf(request.system), model);
  }
  for (const message of request.messages) {
    tokens +=
      TOKENS_PER_MESSAGE + countTextTokens(message.role, model) + messageContentTokens(message, model);
    if ((message.role === 'user' || message.role === 'assistant') && message.name) {
      tokens += TOKENS_PER_NAME + countTextTokens(message.name, model);
    }
  }
  if (request.tools && request.tools.length > 0) {
    tokens += countTextTokens(JSON.stringify(request.tools), model);
  }
  return tokens;
}

/** Estimated completion tokens of generated content (text, reasoning and tool-call arguments). */
export function estimateCompletionTokens(model: string, content: ResponseContentPart[] | string): number {
  if (typeof content === 'string') return countTextTokens(content, model);
  let tokens = 0;
  for (const part of content) {
    if (part.type === 'tool-call')
      tokens += countTextTokens(part.name, model) + countTextTokens(part.arguments, model);
    else if (part.type !== 'generated-image') tokens += countTextTokens(part.text, model);
  }
  return tokens;
}
