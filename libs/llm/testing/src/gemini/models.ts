/** Models the fake lists by default (`startFakeGemini({ models })` replaces the list). generateContent accepts any. */
export const DEFAULT_GEMINI_MODELS: readonly string[] = [
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-2.0-flash',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
];

function displayName(id: string): string {
  return id
    .split('-')
    .map((word) => (/^\d/.test(word) ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(' ');
}

/** A `Model` resource as `GET /v1beta/models/{id}` returns it. */
export function geminiModelObject(id: string): Record<string, unknown> {
  const thinking = /gemini-(?:2\.5|[3-9])/.test(id);
  return {
    name: `models/${id}`,
    version: id.includes('preview') ? id : '001',
    displayName: displayName(id),
    description: `Fake ${displayName(id)} served by @one-api/llm-testing`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: thinking ? 65_536 : 8_192,
    supportedGenerationMethods: [
      'generateContent',
      'countTokens',
      'createCachedContent',
      'batchGenerateContent',
    ],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    ...(thinking ? { thinking: true } : {}),
  };
}

/** `GET /v1beta/models` with `pageSize` / `pageToken` (the token is the next offset). */
export function geminiModelList(
  models: readonly string[],
  pageSize?: number,
  pageToken?: string,
): Record<string, unknown> {
  const start = pageToken && /^\d+$/.test(pageToken) ? Number(pageToken) : 0;
  const size = pageSize !== undefined && pageSize > 0 ? pageSize : 50;
  const page = models.slice(start, start + size);
  const body: Record<string, unknown> = { models: page.map(geminiModelObject) };
  if (start + size < models.length) body.nextPageToken = String(start + size);
  return body;
}
