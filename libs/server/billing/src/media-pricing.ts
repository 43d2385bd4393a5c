import { QUOTA_PER_UNIT } from '@one-api/contracts';

/**
 * Prices of what is not billed by text tokens alone: images, speech, transcription, rerank searches and web-search
 * calls. Kept as data (list prices in US dollars) and turned into quota here; 1 USD = QUOTA_PER_UNIT (500000) quota
 * as in One API. Every result is before the group ratio unless the function takes one.
 */

/** Per-image prices: a base price times a size multiplier (times a quality multiplier). */
export interface ImagePriceRule {
  /** USD for one image at multiplier 1 */
  usdPerImage: number;
  /** size → multiplier; a size not listed is refused */
  sizes: Readonly<Record<string, number>>;
  defaultSize: string;
  /** quality → multiplier per size kind; absent: quality does not change the price */
  quality?: (quality: string, size: string) => number;
  /** the most images one request may ask for */
  maxN: number;
  /** any size is accepted at multiplier 1 (models priced per image whatever its size, such as flux) */
  anySize?: boolean;
}

const square = (size: string) => {
  const [w, h] = size.split('x');
  return w === h;
};

/**
 * One API's image prices: dall-e-2 $0.02 × (1 / 1.125 / 1.25) for 256 / 512 / 1024 px, dall-e-3 $0.04 × (1, or 2
 * for the tall and wide sizes), hd ×2 on the square size and ×1.5 on the others. gpt-image-1 holds its per-image
 * list price (by size and quality) and is settled by the image tokens of its usage (GPT_IMAGE_TOKEN_PRICES).
 * grok-2-image: xAI's $0.07 per image.
 */
export const IMAGE_PRICES: Readonly<Record<string, ImagePriceRule>> = {
  'dall-e-2': {
    usdPerImage: 0.02,
    sizes: { '256x256': 1, '512x512': 1.125, '1024x1024': 1.25 },
    defaultSize: '1024x1024',
    maxN: 10,
  },
  'dall-e-3': {
    usdPerImage: 0.04,
    sizes: { '1024x1024': 1, '1024x1792': 2, '1792x1024': 2 },
    defaultSize: '1024x1024',
    quality: (quality, size) => (quality === 'hd' ? (square(size) ? 2 : 1.5) : 1),
    maxN: 1,
  },
  'gpt-image-1': {
    // high quality: $0.167 (square) / $0.25; medium $0.042 / $0.063; low $0.011 / $0.016
    usdPerImage: 0.167,
    sizes: { '1024x1024': 1, '1024x1536': 0.25 / 0.167, '1536x1024': 0.25 / 0.167, auto: 0.25 / 0.167 },
    defaultSize: 'auto',
    quality: (quality, size) =>
      quality === 'low'
        ? (square(size) ? 0.011 : 0.016) / (square(size) ? 0.167 : 0.25)
        : quality === 'medium'
          ? (square(size) ? 0.042 : 0.063) / (square(size) ? 0.167 : 0.25)
          : 1,
    maxN: 10,
  },
  'gpt-image-1-mini': {
    // high $0.036 / $0.052; medium $0.011 / $0.015; low $0.005 / $0.006
    usdPerImage: 0.036,
    sizes: { '1024x1024': 1, '1024x1536': 0.052 / 0.036, '1536x1024': 0.052 / 0.036, auto: 0.052 / 0.036 },
    defaultSize: 'auto',
    quality: (quality, size) =>
      quality === 'low'
        ? (square(size) ? 0.005 : 0.006) / (square(size) ? 0.036 : 0.052)
        : quality === 'medium'
          ? (square(size) ? 0.011 : 0.015) / (square(size) ? 0.036 : 0.052)
          : 1,
    maxN: 10,
  },
  // Imagen on Vertex AI: a flat price per image
  'imagen-4.0-generate-001': {
    usdPerImage: 0.04,
    sizes: {},
    defaultSize: '1024x1024',
    maxN: 4,
    anySize: true,
  },
  'imagen-4.0-ultra-generate-001': {
    usdPerImage: 0.06,
    sizes: {},
    defaultSize: '1024x1024',
    maxN: 4,
    anySize: true,
  },
  'imagen-4.0-fast-generate-001': {
    usdPerImage: 0.02,
    sizes: {},
    defaultSize: '1024x1024',
    maxN: 4,
    anySize: true,
  },
  'imagen-3.0-generate-002': {
    usdPerImage: 0.04,
    sizes: {},
    defaultSize: '1024x1024',
    maxN: 4,
    anySize: true,
  },
  'imagen-3.0-fast-generate-001': {
    usdPerImage: 0.02,
    sizes: {},
    defaultSize: '1024x1024',
    maxN: 4,
    anySize: true,
  },
  // flux on Replicate: a flat price per image
  'black-forest-labs/flux-schnell': {
    usdPerImage: 0.003,
    sizes: {},
    defaultSize: '1024x1024',
    maxN: 4,
    anySize: true,
  },
  'black-forest-labs/flux-dev': {
    usdPerImage: 0.025,
    sizes: {},
    defaultSize: '1024x1024',
    maxN: 4,
    anySize: true,
  },
  'black-forest-labs/flux-1.1-pro': {
    usdPerImage: 0.04,
    sizes: {},
    defaultSize: '1024x1024',
    maxN: 1,
    anySize: true,
  },
  'black-forest-labs/flux-pro': {
    usdPerImage: 0.055,
    sizes: {},
    defaultSize: '1024x1024',
    maxN: 1,
    anySize: true,
  },
  'grok-2-image': { usdPerImage: 0.07, sizes: { '1024x768': 1 }, defaultSize: '1024x768', maxN: 10 },
  'grok-2-image-1212': { usdPerImage: 0.07, sizes: { '1024x768': 1 }, defaultSize: '1024x768', maxN: 10 },
};

/** gpt-image-1 token prices (USD per 1M): text input, cached text, image input, cached image, image output. */
export interface ImageTokenPrices {
  textInput: number;
  cachedTextInput: number;
  imageInput: number;
  cachedImageInput: number;
  imageOutput: number;
}

export const GPT_IMAGE_TOKEN_PRICES: Readonly<Record<string, ImageTokenPrices>> = {
  'gpt-image-1': {
    textInput: 5,
    cachedTextInput: 1.25,
    imageInput: 10,
    cachedImageInput: 2.5,
    imageOutput: 40,
  },
  'gpt-image-1-mini': {
    textInput: 2,
    cachedTextInput: 0.2,
    imageInput: 2.5,
    cachedImageInput: 0.25,
    imageOutput: 8,
  },
};

export class MediaPriceError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
    this.name = 'MediaPriceError';
  }
}

const usdToQuota = (usd: number) => usd * QUOTA_PER_UNIT;

/** The rule of an image model (exact name, else the longest known prefix: `dall-e-3-...` dated names). */
export function imagePriceRule(model: string): ImagePriceRule | undefined {
  if (IMAGE_PRICES[model]) return IMAGE_PRICES[model];
  const prefix = Object.keys(IMAGE_PRICES)
    .filter((name) => model.startsWith(name))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? IMAGE_PRICES[prefix] : undefined;
}

/**
 * Quota for `n` images: int(usd × size × quality × 500000 × group) × n, as One API computes it. Throws a
 * MediaPriceError for a size or n the model does not offer (One API validates them the same way).
 */
export function imageQuota(
  rule: ImagePriceRule,
  input: { size?: string; quality?: string; n?: number },
  groupRatio: number,
): number {
  const size = input.size || rule.defaultSize;
  const sizeRatio = rule.sizes[size] ?? (rule.anySize ? 1 : undefined);
  if (sizeRatio === undefined)
    throw new MediaPriceError(
      `size ${size} is not supported for this model; use one of ${Object.keys(rule.sizes).join(', ')}`,
      'size',
    );
  const n = input.n ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > rule.maxN)
    throw new MediaPriceError(`n must be an integer from 1 to ${rule.maxN} for this model`, 'n');
  const qualityRatio = rule.quality?.(input.quality ?? '', size) ?? 1;
  return Math.trunc(usdToQuota(rule.usdPerImage) * sizeRatio * qualityRatio * groupRatio + 1e-6) * n;
}

/** gpt-image-1 usage: `{input_tokens, output_tokens, input_tokens_details: {text_tokens, image_tokens, cached_tokens?}}`. */
export interface ImageTokenUsage {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { text_tokens?: number; image_tokens?: number; cached_tokens?: number };
}

/**
 * gpt-image-1 settled from its token buckets: text and image input (cached tokens — reported without a split —
 * are taken from the text bucket first) and image output, ceil of the sum, times the group ratio.
 */
export function imageTokenQuota(
  prices: ImageTokenPrices,
  usage: ImageTokenUsage,
  groupRatio: number,
): number {
  const details = usage.input_tokens_details ?? {};
  const text = details.text_tokens ?? Math.max(0, (usage.input_tokens ?? 0) - (details.image_tokens ?? 0));
  const image = details.image_tokens ?? 0;
  const cached = details.cached_tokens ?? 0;
  const cachedText = Math.min(cached, text);
  const cachedImage = Math.min(cached - cachedText, image);
  const usd =
    ((text - cachedText) * prices.textInput +
      cachedText * prices.cachedTextInput +
      (image - cachedImage) * prices.imageInput +
      cachedImage * prices.cachedImageInput +
      (usage.output_tokens ?? 0) * prices.imageOutput) /
    1e6;
  return Math.ceil(usdToQuota(usd) * groupRatio - 1e-9);
}

/** Text-to-speech: USD per 1M input characters (One API: tts-1 ratio 7.5, tts-1-hd 15, per character). */
export const SPEECH_USD_PER_1M_CHARS: Readonly<Record<string, number>> = {
  'tts-1': 15,
  'tts-1-1106': 15,
  'tts-1-hd': 30,
  'tts-1-hd-1106': 30,
};

/** Quota of a speech request: characters (code points) of `input` × the per-character price × group, ceil. */
export function speechQuota(usdPer1MChars: number, input: string, groupRatio: number): number {
  const chars = [...input].length;
  if (chars === 0) return 0;
  return Math.max(1, Math.ceil((usdToQuota(usdPer1MChars) * chars * groupRatio) / 1e6 - 1e-9));
}

/** Transcription and translation: USD per minute of audio (duration measured by the gateway). */
export const TRANSCRIPTION_USD_PER_MINUTE: Readonly<Record<string, number>> = {
  'whisper-1': 0.006,
  'gpt-4o-transcribe': 0.006,
  'gpt-4o-mini-transcribe': 0.003,
};

/** Quota of `seconds` of audio: ceil(seconds / 60 × USD per minute × 500000 × group), at least 1. */
export function transcriptionQuota(usdPerMinute: number, seconds: number, groupRatio: number): number {
  if (seconds <= 0) return 0;
  return Math.max(1, Math.ceil((seconds / 60) * usdToQuota(usdPerMinute) * groupRatio - 1e-9));
}

/** Rerank billed per search unit (Cohere's meta.billed_units.search_units): USD per 1000 searches. */
export const RERANK_USD_PER_1K_SEARCHES: Readonly<Record<string, number>> = {
  'rerank-v3.5': 2,
  'rerank-english-v3.0': 2,
  'rerank-multilingual-v3.0': 2,
};

/** Rerank billed per token (Jina, SiliconFlow, Fireworks report usage.total_tokens): USD per 1M tokens. */
export const RERANK_USD_PER_1M_TOKENS: Readonly<Record<string, number>> = {
  'jina-reranker-v2-base-multilingual': 0.02,
  'jina-reranker-m0': 0.02,
  'BAAI/bge-reranker-v2-m3': 0.02,
};

export function rerankSearchQuota(usdPer1K: number, searchUnits: number, groupRatio: number): number {
  if (searchUnits <= 0) return 0;
  return Math.max(1, Math.ceil((usdToQuota(usdPer1K) / 1000) * searchUnits * groupRatio - 1e-9));
}

export function rerankTokenQuota(usdPer1M: number, tokens: number, groupRatio: number): number {
  if (tokens <= 0) return 0;
  return Math.max(1, Math.ceil((usdToQuota(usdPer1M) * tokens * groupRatio) / 1e6 - 1e-9));
}

/**
 * OpenAI's search models charge a fee per call by web_search_options.search_context_size (USD per 1000 calls),
 * on top of their tokens.
 */
export const WEB_SEARCH_USD_PER_1K_CALLS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'gpt-4o-search-preview': { low: 30, medium: 35, high: 50 },
  'gpt-4o-mini-search-preview': { low: 25, medium: 27.5, high: 30 },
};

/** The per-call web-search fee of a chat request in quota (group ratio applied); 0 for other models. */
export function webSearchFeeQuota(
  model: string,
  payload: Record<string, unknown>,
  groupRatio: number,
): number {
  const base = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  const fees = WEB_SEARCH_USD_PER_1K_CALLS[base];
  if (!fees) return 0;
  const options = payload.web_search_options;
  const requested =
    options && typeof options === 'object'
      ? (options as Record<string, unknown>).search_context_size
      : undefined;
  const size = typeof requested === 'string' && fees[requested] !== undefined ? requested : 'medium';
  return Math.round((usdToQuota(fees[size]) / 1000) * groupRatio);
}

/**
 * Audio-capable chat models (gpt-4o-audio-preview): audio tokens cost more than text tokens. USD per 1M:
 * [text input, text output, audio input, audio output].
 */
export const AUDIO_CHAT_USD_PER_1M: Readonly<Record<string, readonly [number, number, number, number]>> = {
  'gpt-4o-audio-preview': [2.5, 10, 40, 80],
  'gpt-4o-audio-preview-2024-12-17': [2.5, 10, 40, 80],
  'gpt-4o-audio-preview-2025-06-03': [2.5, 10, 40, 80],
  'gpt-4o-mini-audio-preview': [0.15, 0.6, 10, 20],
  'gpt-4o-mini-audio-preview-2024-12-17': [0.15, 0.6, 10, 20],
};

/** Tokens of an audio chat answer, split by modality. */
export interface AudioChatTokens {
  promptTokens: number;
  completionTokens: number;
  promptAudioTokens: number;
  completionAudioTokens: number;
}

/** Quota of an audio chat call: text and audio buckets at their own prices, ceil, at least 1. */
export function audioChatQuota(
  prices: readonly [number, number, number, number],
  tokens: AudioChatTokens,
  groupRatio: number,
): number {
  const [textIn, textOut, audioIn, audioOut] = prices;
  const promptAudio = Math.min(tokens.promptAudioTokens, tokens.promptTokens);
  const completionAudio = Math.min(tokens.completionAudioTokens, tokens.completionTokens);
  const usd =
    ((tokens.promptTokens - promptAudio) * textIn +
      promptAudio * audioIn +
      (tokens.completionTokens - completionAudio) * textOut +
      completionAudio * audioOut) /
    1e6;
  if (usd <= 0) return 0;
  return Math.max(1, Math.ceil(usdToQuota(usd) * groupRatio - 1e-9));
}

/** Gemini image output models, USD per 1M tokens: input (text and images), text output, image output. */
export const GEMINI_IMAGE_TOKEN_PRICES: Readonly<
  Record<string, { input: number; textOutput: number; imageOutput: number }>
> = {
  'gemini-2.5-flash-image': { input: 0.3, textOutput: 2.5, imageOutput: 30 },
  'gemini-2.5-flash-image-preview': { input: 0.3, textOutput: 2.5, imageOutput: 30 },
};

/** Quota of a Gemini image answer from its token buckets: ceil(Σ tokens × price / 1M × 500000 × group), at least 1. */
export function geminiImageQuota(
  prices: { input: number; textOutput: number; imageOutput: number },
  tokens: { input: number; textOutput: number; imageOutput: number },
  groupRatio: number,
): number {
  const usd =
    (tokens.input * prices.input +
      tokens.textOutput * prices.textOutput +
      tokens.imageOutput * prices.imageOutput) /
    1e6;
  if (usd <= 0) return 0;
  return Math.max(1, Math.ceil(usdToQuota(usd) * groupRatio - 1e-9));
}
