import { GatewayError } from '@one-api/llm-core';

/** The texts of an OpenAI embeddings `input` (a string or strings); token arrays cannot be sent to text-only APIs. */
export function embeddingTexts(input: unknown, provider: string): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string'))
    return input as string[];
  throw new GatewayError({
    kind: 'invalid-request',
    status: 400,
    param: 'input',
    message: `${provider} embeddings take text input (a string or a non-empty array of strings)`,
  });
}

/** Vectors in input order → OpenAI's `{object: "list", data, model, usage}`. */
export function openAiEmbeddingList(
  vectors: number[][],
  model: string,
  tokens: number,
): Record<string, unknown> {
  return {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
