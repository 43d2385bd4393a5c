/**
 * OpenAI's `encoding_format: "base64"`: each vector as the base64 of its little-endian float32 bytes (what the
 * official SDKs ask for by default and decode). Applied to answers of upstreams that only return float arrays.
 */
export function encodeEmbeddingsBase64(body: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(body.data)) return body;
  return {
    ...body,
    data: body.data.map((item: unknown) => {
      if (!item || typeof item !== 'object') return item;
      const entry = item as Record<string, unknown>;
      if (!Array.isArray(entry.embedding)) return entry;
      const floats = Float32Array.from(entry.embedding as number[]);
      return {
        ...entry,
        embedding: Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64'),
      };
    }),
  };
}
