import type { Request, Response } from 'express';
import { tryParseJson, type UpstreamAdapter } from '@one-api/llm-core';
import {
  GPT_IMAGE_TOKEN_PRICES,
  imagePriceRule,
  imageQuota,
  imageTokenQuota,
  ImageTokenUsage,
  MediaPriceError,
  RatioTablesService,
} from '@one-api/server-billing';
import { RelayError, relayErrors } from '../relay-error';
import type { UpstreamResponse } from '../upstream-client.service';
import { parseOpenAiUpstreamError } from '../upstream-errors';
import {
  geminiImageAnswer,
  geminiImageError,
  geminiImageHold,
  geminiImageRequest,
  geminiServesImages,
} from './gemini-image';
import {
  replicateImageAnswer,
  replicateImageError,
  replicateImageRequest,
  replicateServesImages,
} from './replicate-image';
import {
  vertexImagenAnswer,
  vertexImagenError,
  vertexImagenRequest,
  vertexServesImages,
} from './vertex-imagen';
import {
  MediaCharge,
  MediaJob,
  MediaJobFactory,
  openAiCompatibleRequest,
  speaksOpenAi,
} from './media-relay.service';
import { encodeMultipart, isMultipart, readMultipart } from './multipart';

/** One API's default when an image request names no model. */
export const DEFAULT_IMAGE_MODEL = 'dall-e-2';

interface ImageOrder {
  model: string;
  size?: string;
  quality?: string;
  n: number;
}

/**
 * The price of an image order: the model's per-image table (size × quality), or — for image models without one —
 * One API's generic rule int(model ratio × 1000 × group) per image.
 */
function imageOrderQuota(order: ImageOrder, ratios: RatioTablesService, groupRatio: number): number {
  const rule = imagePriceRule(order.model);
  try {
    if (rule) return imageQuota(rule, order, groupRatio);
  } catch (error) {
    if (error instanceof MediaPriceError) throw relayErrors.badBody(error.message, error.param);
    throw error;
  }
  return Math.trunc(ratios.price(order.model).modelRatio * 1000 * groupRatio + 1e-6) * order.n;
}

/**
 * What the images cost once the provider answered: gpt-image models by the token buckets of their usage, the others
 * per image actually returned (never more than ordered).
 */
async function imageAnswer(
  order: ImageOrder,
  upstreamModel: string,
  response: UpstreamResponse,
  res: Response,
  ratios: RatioTablesService,
  groupRatio: number,
): Promise<MediaCharge> {
  const text = await response.body.text();
  res.status(200).setHeader('Content-Type', String(response.headers['content-type'] ?? 'application/json'));
  res.end(text);
  const body = tryParseJson(text) as { data?: unknown[]; usage?: ImageTokenUsage } | undefined;
  const tokenPrices = GPT_IMAGE_TOKEN_PRICES[upstreamModel] ?? GPT_IMAGE_TOKEN_PRICES[order.model];
  if (tokenPrices && body?.usage && typeof body.usage.output_tokens === 'number') {
    const usage = body.usage;
    return {
      quota: imageTokenQuota(tokenPrices, usage, groupRatio),
      promptTokens: usage.input_tokens ?? 0,
      completionTokens: usage.output_tokens ?? 0,
      note: `image tokens: text ${usage.input_tokens_details?.text_tokens ?? 0}, image in ${
        usage.input_tokens_details?.image_tokens ?? 0
      }, image out ${usage.output_tokens ?? 0}; group ratio ${groupRatio}`,
    };
  }
  const returned = Array.isArray(body?.data) ? Math.min(body.data.length, order.n) : order.n;
  // Priced as the model that made the images (after the channel's model mapping), when it has a price.
  const priced = imagePriceRule(upstreamModel) ? { ...order, model: upstreamModel } : order;
  const quota = returned === 0 ? 0 : imageOrderQuota({ ...priced, n: returned }, ratios, groupRatio);
  return {
    quota,
    promptTokens: 0,
    completionTokens: 0,
    note: `${returned} image(s) ${order.size ?? 'default size'}${order.quality ? ` ${order.quality}` : ''}; group ratio ${groupRatio}`,
  };
}

function orderOf(source: Record<string, unknown>, fallbackModel: string): ImageOrder {
  const model = source.model === undefined || source.model === '' ? fallbackModel : source.model;
  if (typeof model !== 'string') throw relayErrors.badBody('model must be a string', 'model');
  const n = source.n === undefined || source.n === '' ? 1 : Number(source.n);
  if (!Number.isInteger(n) || n < 1) throw relayErrors.badBody('n must be a positive integer', 'n');
  const text = (key: string) => {
    const value = source[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw relayErrors.badBody(`${key} must be a string`, key);
    return value;
  };
  return { model, n, size: text('size'), quality: text('quality') };
}

/** POST /v1/images/generations (JSON): dall-e-2/3, gpt-image-1, grok-2-image and any OpenAI-shaped image API. */
export function imageGenerationJob(req: Request, ratios: RatioTablesService): MediaJobFactory {
  return async ({ groupRatio }): Promise<MediaJob> => {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw relayErrors.badBody('The request body must be a JSON object');
    const payload = body as Record<string, unknown>;
    if (typeof payload.prompt !== 'string' || payload.prompt === '')
      throw relayErrors.badBody('prompt is required', 'prompt');
    const order = orderOf(payload, DEFAULT_IMAGE_MODEL);
    const prompt = payload.prompt;
    return {
      endpoint: 'images',
      model: order.model,
      hold:
        geminiImageHold(order.model, prompt, order.n, groupRatio) ??
        imageOrderQuota(order, ratios, groupRatio),
      accepts: (context) =>
        speaksOpenAi(context) ||
        geminiServesImages(context) ||
        replicateServesImages(context) ||
        vertexServesImages(context),
      build: (context) =>
        geminiServesImages(context)
          ? geminiImageRequest({ ...context, adapter: context.adapter as UpstreamAdapter }, prompt, order.n)
          : replicateServesImages(context)
            ? replicateImageRequest(context, { prompt, n: order.n, size: order.size })
            : vertexServesImages(context)
              ? vertexImagenRequest(context, { prompt, n: order.n, size: order.size })
              : openAiCompatibleRequest(
                  context.channel,
                  '/v1/images/generations',
                  JSON.stringify({ ...payload, model: context.upstreamModel }),
                  'application/json',
                  context.upstreamModel,
                ),
      parseError: (context, status, text) =>
        geminiServesImages(context)
          ? geminiImageError(context, status, text)
          : replicateServesImages(context)
            ? replicateImageError(context, status, text)
            : vertexServesImages(context)
              ? vertexImagenError(context, status, text)
              : parseOpenAiUpstreamError(status, text),
      answer: async (response, res, context) => {
        if (replicateServesImages(context) || vertexServesImages(context)) {
          const delivered = replicateServesImages(context)
            ? await replicateImageAnswer(response, res)
            : await vertexImagenAnswer(response, res);
          const returned = Math.min(delivered, order.n);
          const priced = imagePriceRule(context.upstreamModel)
            ? { ...order, model: context.upstreamModel }
            : order;
          return {
            quota: returned === 0 ? 0 : imageOrderQuota({ ...priced, n: returned }, ratios, groupRatio),
            promptTokens: 0,
            completionTokens: 0,
            note: `${returned} image(s); group ratio ${groupRatio}`,
          };
        }
        return geminiServesImages(context)
          ? geminiImageAnswer(
              response,
              res,
              context.upstreamModel,
              ratios.price(context.upstreamModel).modelRatio,
              groupRatio,
            )
          : imageAnswer(order, context.upstreamModel, response, res, ratios, groupRatio);
      },
    };
  };
}

/** POST /v1/images/edits (multipart: image or image[] files, optional mask, prompt, model, n, size, quality). */
export function imageEditJob(
  req: Request,
  ratios: RatioTablesService,
  maxUploadBytes: number,
): MediaJobFactory {
  return async ({ groupRatio }): Promise<MediaJob> => {
    if (!isMultipart(req))
      throw new RelayError(400, 'images/edits takes a multipart/form-data body', 'invalid_request_error');
    const form = await readMultipart(req, maxUploadBytes);
    if (!form.files.some((f) => f.field === 'image' || f.field === 'image[]'))
      throw relayErrors.badBody('image is required', 'image');
    if (!form.fields.prompt) throw relayErrors.badBody('prompt is required', 'prompt');
    const order = orderOf(form.fields, DEFAULT_IMAGE_MODEL);
    return {
      endpoint: 'image-edits',
      model: order.model,
      hold: imageOrderQuota(order, ratios, groupRatio),
      accepts: speaksOpenAi,
      build: ({ channel, upstreamModel }) => {
        const encoded = encodeMultipart({ ...form.fields, model: upstreamModel }, form.files);
        return openAiCompatibleRequest(
          channel,
          '/v1/images/edits',
          encoded.body,
          encoded.contentType,
          upstreamModel,
        );
      },
      answer: (response, res, { upstreamModel }) =>
        imageAnswer(order, upstreamModel, response, res, ratios, groupRatio),
    };
  };
}
