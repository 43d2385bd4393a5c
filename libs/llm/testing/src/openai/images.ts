import type { FakeExchange } from '../core/exchange';
import { invalidParameter, missingParameter, type OpenAIErrorResponse } from './errors';
import { randomId } from './ids';
import { isMultipartRequest, parseMultipart } from './multipart-form';
import { estimateTokens } from './usage';

type Send = (e: OpenAIErrorResponse) => Promise<void>;

/** A 1×1 PNG: what every fake image is. */
export const FAKE_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** Sizes each model accepts (OpenAI's lists). */
export const IMAGE_SIZES: Record<string, readonly string[]> = {
  'dall-e-2': ['256x256', '512x512', '1024x1024'],
  'dall-e-3': ['1024x1024', '1792x1024', '1024x1792'],
  'gpt-image-1': ['1024x1024', '1536x1024', '1024x1536', 'auto'],
  'gpt-image-1-mini': ['1024x1024', '1536x1024', '1024x1536', 'auto'],
};

/** Output tokens of one gpt-image image by quality, [square, portrait/landscape] (OpenAI's published table). */
const GPT_IMAGE_OUTPUT_TOKENS: Record<string, readonly [number, number]> = {
  low: [272, 408],
  medium: [1056, 1584],
  high: [4160, 6240],
};

/** Image tokens the fake counts for every input image of an edit. */
export const FAKE_INPUT_IMAGE_TOKENS = 323;

export interface ImageUsagePrediction {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_tokens_details: { text_tokens: number; image_tokens: number };
}

const isGptImage = (model: string) => model.startsWith('gpt-image');

/**
 * The usage a gpt-image model reports in the fake: text tokens of the prompt (tokens(text) rule), 323 image tokens
 * per input image, output tokens per image by quality (auto = high) and size (auto = square).
 */
export function predictImageUsage(input: {
  prompt: string;
  size?: string;
  quality?: string;
  n?: number;
  inputImages?: number;
}): ImageUsagePrediction {
  const quality = GPT_IMAGE_OUTPUT_TOKENS[input.quality ?? 'high'] ?? GPT_IMAGE_OUTPUT_TOKENS.high;
  const size = input.size ?? 'auto';
  const square = size === 'auto' || size === '1024x1024';
  const textTokens = estimateTokens(input.prompt);
  const imageTokens = (input.inputImages ?? 0) * FAKE_INPUT_IMAGE_TOKENS;
  const output = quality[square ? 0 : 1] * (input.n ?? 1);
  return {
    total_tokens: textTokens + imageTokens + output,
    input_tokens: textTokens + imageTokens,
    output_tokens: output,
    input_tokens_details: { text_tokens: textTokens, image_tokens: imageTokens },
  };
}

interface ImageOrder {
  model: string;
  prompt: string;
  n: number;
  size?: string;
  quality?: string;
  responseFormat?: string;
}

function validate(order: ImageOrder, send: Send): Promise<void> | undefined {
  if (order.prompt === '') return send(missingParameter('prompt'));
  const sizes = IMAGE_SIZES[order.model];
  if (order.size !== undefined && sizes && !sizes.includes(order.size))
    return send(
      invalidParameter(
        'size',
        `'${order.size}' is not one of ${sizes.map((s) => `'${s}'`).join(', ')} - 'size'`,
      ),
    );
  if (!Number.isInteger(order.n) || order.n < 1 || order.n > 10)
    return send(
      invalidParameter('n', `${order.n} is not a valid value for 'n': it must be between 1 and 10.`),
    );
  if (order.model === 'dall-e-3' && order.n !== 1)
    return send(invalidParameter('n', 'You must provide n=1 for this model.'));
  if (order.responseFormat !== undefined && !['url', 'b64_json'].includes(order.responseFormat))
    return send(
      invalidParameter('response_format', `'${order.responseFormat}' is not one of ['url', 'b64_json']`),
    );
  if (order.responseFormat !== undefined && isGptImage(order.model))
    return send(invalidParameter('response_format', "Unknown parameter: 'response_format'."));
  return undefined;
}

/** `{created, data: [{url} | {b64_json}, revised_prompt?], usage?}` as OpenAI answers image calls. */
function imagesBody(order: ImageOrder, inputImages: number): Record<string, unknown> {
  const b64 = isGptImage(order.model) || order.responseFormat === 'b64_json';
  const data = Array.from({ length: order.n }, () => {
    const image: Record<string, unknown> = b64
      ? { b64_json: FAKE_PNG_BASE64 }
      : { url: `https://fake-openai.invalid/images/img-${randomId(24)}.png` };
    if (order.model === 'dall-e-3') image.revised_prompt = `A picture of ${order.prompt}`;
    return image;
  });
  const body: Record<string, unknown> = { created: Math.floor(Date.now() / 1000), data };
  if (isGptImage(order.model)) {
    body.usage = predictImageUsage({ ...order, inputImages });
    body.size = order.size && order.size !== 'auto' ? order.size : '1024x1024';
    body.quality = order.quality && order.quality !== 'auto' ? order.quality : 'high';
    body.output_format = 'png';
    body.background = 'opaque';
  }
  return body;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** POST /v1/images/generations (JSON). The model defaults to dall-e-2, as OpenAI's. */
export async function handleImageGenerations(ex: FakeExchange, send: Send): Promise<void> {
  const req = (ex.body ?? {}) as Record<string, unknown>;
  const order: ImageOrder = {
    model: text(req.model) ?? 'dall-e-2',
    prompt: typeof req.prompt === 'string' ? req.prompt : '',
    n: req.n === undefined || req.n === null ? 1 : Number(req.n),
    size: text(req.size),
    quality: text(req.quality),
    responseFormat: text(req.response_format),
  };
  const refused = validate(order, send);
  if (refused) return refused;
  return ex.json(200, imagesBody(order, 0));
}

/** POST /v1/images/edits (multipart: `image` or `image[]` files, optional `mask`, `prompt`, ...). */
export async function handleImageEdits(ex: FakeExchange, send: Send): Promise<void> {
  if (!isMultipartRequest(ex.headers))
    return send(invalidParameter('image', 'The request must be multipart/form-data.'));
  const form = await parseMultipart(ex.headers, ex.bytes);
  const images = form.files.filter((f) => f.field === 'image' || f.field === 'image[]');
  if (images.length === 0) return send(missingParameter('image'));
  const order: ImageOrder = {
    model: text(form.fields.model) ?? 'dall-e-2',
    prompt: form.fields.prompt ?? '',
    n: form.fields.n === undefined ? 1 : Number(form.fields.n),
    size: text(form.fields.size),
    quality: text(form.fields.quality),
    responseFormat: text(form.fields.response_format),
  };
  if (order.model === 'dall-e-3')
    return send(invalidParameter('model', 'Image edits are not supported for dall-e-3.'));
  const refused = validate(order, send);
  if (refused) return refused;
  return ex.json(200, imagesBody(order, images.length));
}
