import type { FakeExchange } from '../core/exchange';
import { invalidParameter, missingParameter, type OpenAIErrorResponse } from './errors';
import type { EmbeddingRequest } from './types';
import { inputItems, inputTokens } from './usage';

/** Default vector sizes (OpenAI's); any other model gets 1536. `dimensions` overrides. */
export const EMBEDDING_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-large': 3072,
  'text-embedding-3-small': 1536,
  'text-embedding-ada-002': 1536,
};

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A deterministic unit-length float32 vector for `input` (same input, model and size → same vector). */
export function fakeEmbedding(input: string | number[], model: string, dimensions: number): Float32Array {
  let seed = fnv1a(`${model}\u0000${typeof input === 'string' ? input : input.join(',')}`);
  const next = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const v = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    v[i] = next() * 2 - 1;
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dimensions; i++) v[i] = v[i] / norm;
  return v;
}

export function float32ToBase64(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function embeddingDimensions(req: EmbeddingRequest): number {
  if (typeof req.dimensions === 'number') return req.dimensions;
  return EMBEDDING_DIMENSIONS[req.model ?? ''] ?? 1536;
}

/** `{object: "list", data: [{object: "embedding", index, embedding}], model, usage}`. */
export function embeddingsBody(req: EmbeddingRequest): Record<string, unknown> {
  const model = req.model as string;
  const dims = embeddingDimensions(req);
  const base64 = req.encoding_format === 'base64';
  const tokens = inputTokens(req.input);
  return {
    object: 'list',
    data: inputItems(req.input).map((item, index) => {
      const v = fakeEmbedding(item, model, dims);
      return { object: 'embedding', index, embedding: base64 ? float32ToBase64(v) : Array.from(v) };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

export async function handleEmbeddings(ex: FakeExchange, send: (e: OpenAIErrorResponse) => Promise<void>) {
  const req = (ex.body ?? {}) as EmbeddingRequest;
  if (typeof req.model !== 'string' || req.model === '') return send(missingParameter('model'));
  if (req.input === undefined || req.input === null) return send(missingParameter('input'));
  if (typeof req.input !== 'string' && (!Array.isArray(req.input) || req.input.length === 0)) {
    return send(invalidParameter('input', "'input' must be a non-empty string or array."));
  }
  if (
    req.encoding_format !== undefined &&
    req.encoding_format !== 'float' &&
    req.encoding_format !== 'base64'
  ) {
    return send(invalidParameter('encoding_format', "'encoding_format' must be 'float' or 'base64'."));
  }
  const d = req.dimensions;
  if (d !== undefined && (!Number.isInteger(d) || d < 1 || d > 3072)) {
    return send(invalidParameter('dimensions', "'dimensions' must be an integer between 1 and 3072."));
  }
  return ex.json(200, embeddingsBody(req));
}
