import type { Response } from 'express';
import { isRecord, tryParseJson, type GatewayError, type UpstreamAdapter } from '@one-api/llm-core';
import { vertexCredentials, vertexModelUrl, type VertexMethod } from '@one-api/llm-providers';
import type { UpstreamResponse } from '../upstream-client.service';
import type { MediaAttemptContext, MediaUpstreamRequest } from './media-relay.service';
import { upstreamChannelOf } from './media-relay.service';

/** Vertex AI channels serve image generation with Google's Imagen models (`:predict`). */
export function vertexServesImages(context: MediaAttemptContext): boolean {
  return context.adapter?.format === 'vertex-gemini' && /^imagen/i.test(context.upstreamModel);
}

/** OpenAI sizes → Imagen's aspect ratios. */
const ASPECT_RATIOS: Readonly<Record<string, string>> = {
  '1024x1024': '1:1',
  '1792x1024': '16:9',
  '1024x1792': '9:16',
  '1536x1024': '4:3',
  '1024x1536': '3:4',
};

/**
 * `POST …/publishers/google/models/{imagen}:predict` with `{instances: [{prompt}], parameters: {sampleCount,
 * aspectRatio}}`; the service-account bearer token is added by the Vertex adapter's `authorize`.
 */
export function vertexImagenRequest(
  context: MediaAttemptContext,
  order: { prompt: string; n: number; size?: string },
): MediaUpstreamRequest {
  const channel = upstreamChannelOf(context.channel);
  const parameters: Record<string, unknown> = { sampleCount: order.n };
  const ratio = order.size ? ASPECT_RATIOS[order.size] : undefined;
  if (ratio) parameters.aspectRatio = ratio;
  return {
    url: vertexModelUrl(
      channel.baseUrl,
      vertexCredentials(channel),
      context.upstreamModel,
      'predict' as VertexMethod,
    ),
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ instances: [{ prompt: order.prompt }], parameters }),
    authorizeWith: context.adapter,
  };
}

export function vertexImagenError(context: MediaAttemptContext, status: number, text: string): GatewayError {
  return (context.adapter as UpstreamAdapter).parseError(status, text);
}

/** `{predictions: [{bytesBase64Encoded, mimeType}]}` answered as OpenAI's `{created, data: [{b64_json}]}`. */
export async function vertexImagenAnswer(response: UpstreamResponse, res: Response): Promise<number> {
  const json = tryParseJson(await response.body.text());
  const predictions = isRecord(json) && Array.isArray(json.predictions) ? json.predictions : [];
  const data = predictions
    .filter(isRecord)
    .filter((p) => typeof p.bytesBase64Encoded === 'string')
    .map((p) => ({ b64_json: p.bytesBase64Encoded as string }));
  res.status(200).json({ created: Math.floor(Date.now() / 1000), data });
  return data.length;
}
