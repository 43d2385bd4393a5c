import type { VertexCredentials } from './credentials';

export type VertexPublisher = 'google' | 'anthropic';
export type VertexMethod = 'generateContent' | 'streamGenerateContent' | 'rawPredict' | 'streamRawPredict';

/** Claude models are Anthropic's publisher models on Vertex; everything else is Google's. */
export function vertexPublisherOf(model: string): VertexPublisher {
  return /^claude/i.test(model.trim()) ? 'anthropic' : 'google';
}

/** `https://{region}-aiplatform.googleapis.com`; the `global` location has no regional host. */
export function vertexHost(region: string): string {
  return region === 'global'
    ? 'https://aiplatform.googleapis.com'
    : `https://${region}-aiplatform.googleapis.com`;
}

/** Model ids keep their `@version` (Claude on Vertex is `claude-sonnet-4-5@20250929`). */
function modelSegment(model: string): string {
  return encodeURIComponent(model.trim()).replace(/%40/g, '@');
}

/**
 * `{base}/v1/projects/{project}/locations/{region}/publishers/{publisher}/models/{model}:{method}`, with
 * `?alt=sse` for `streamGenerateContent` (Google's SSE framing; without it the stream is one JSON array). The base
 * is the channel's override (private endpoints, tests) or the location's host; a base ending in `/v1` keeps it.
 */
export function vertexModelUrl(
  baseUrl: string,
  credentials: Pick<VertexCredentials, 'region' | 'projectId'>,
  model: string,
  method: VertexMethod,
): string {
  let base = (baseUrl || vertexHost(credentials.region)).trim();
  while (base.endsWith('/')) base = base.slice(0, -1);
  const root = base.endsWith('/v1') ? base : `${base}/v1`;
  const resource =
    `projects/${encodeURIComponent(credentials.projectId)}/locations/${encodeURIComponent(credentials.region)}` +
    `/publishers/${vertexPublisherOf(model)}/models/${modelSegment(model)}`;
  return `${root}/${resource}:${method}${method === 'streamGenerateContent' ? '?alt=sse' : ''}`;
}
