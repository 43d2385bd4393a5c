import type { Response } from 'express';
import { GatewayError, isRecord, tryParseJson, type UpstreamAdapter } from '@one-api/llm-core';
import { replicateCreateUrl, replicateHeaders } from '@one-api/llm-providers';
import type { UpstreamResponse } from '../upstream-client.service';
import type { MediaAttemptContext, MediaUpstreamRequest } from './media-relay.service';
import { upstreamChannelOf } from './media-relay.service';

/** How long the create call asks Replicate to wait for the images (`Prefer: wait`, at most 60 s there). */
const PREFER_WAIT_SECONDS = 60;

/** Replicate channels serve image generation with image models (flux, sdxl, ...). */
export function replicateServesImages(context: MediaAttemptContext): boolean {
  return (
    context.adapter?.format === 'replicate' && /flux|image|sdxl|stable-diffusion/i.test(context.upstreamModel)
  );
}

/** OpenAI sizes → the aspect ratios flux accepts. */
const ASPECT_RATIOS: Readonly<Record<string, string>> = {
  '1024x1024': '1:1',
  '1792x1024': '16:9',
  '1024x1792': '9:16',
  '1536x1024': '3:2',
  '1024x1536': '2:3',
};

/** `POST {root}/models/{owner}/{name}/predictions` with `Prefer: wait` and `{input: {prompt, num_outputs, aspect_ratio}}`. */
export function replicateImageRequest(
  context: MediaAttemptContext,
  order: { prompt: string; n: number; size?: string },
): MediaUpstreamRequest {
  const channel = upstreamChannelOf(context.channel);
  const input: Record<string, unknown> = { prompt: order.prompt, num_outputs: order.n };
  const ratio = order.size ? ASPECT_RATIOS[order.size] : undefined;
  if (ratio) input.aspect_ratio = ratio;
  return {
    url: replicateCreateUrl(channel, context.upstreamModel),
    headers: { ...replicateHeaders(channel), Prefer: `wait=${PREFER_WAIT_SECONDS}` },
    body: JSON.stringify({ input }),
  };
}

export function replicateImageError(
  context: MediaAttemptContext,
  status: number,
  text: string,
): GatewayError {
  return (context.adapter as UpstreamAdapter).parseError(status, text);
}

/**
 * The finished prediction's image URLs answered as OpenAI's `{created, data: [{url}]}`. A prediction that failed or did
 * not finish within the wait is an upstream error (nothing was sent yet: the hold is given back, another channel may
 * be tried).
 */
export async function replicateImageAnswer(response: UpstreamResponse, res: Response): Promise<number> {
  const json = tryParseJson(await response.body.text());
  const status = isRecord(json) ? json.status : undefined;
  if (status !== 'succeeded') {
    const detail = isRecord(json) && typeof json.error === 'string' ? `: ${json.error}` : '';
    throw new GatewayError({
      kind: 'upstream',
      status: 502,
      retryable: status !== 'failed',
      message:
        status === 'failed'
          ? `the image prediction failed${detail}`
          : `the image prediction did not finish within ${PREFER_WAIT_SECONDS} s (status ${String(status)})`,
    });
  }
  const output = (json as Record<string, unknown>).output;
  const urls = (Array.isArray(output) ? output : [output]).filter((u): u is string => typeof u === 'string');
  res.status(200).json({ created: Math.floor(Date.now() / 1000), data: urls.map((url) => ({ url })) });
  return urls.length;
}
