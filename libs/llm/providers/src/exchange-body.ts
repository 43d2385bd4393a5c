import type { UpstreamExchangeResponse } from '@one-api/llm-core';

type Body = UpstreamExchangeResponse['body'];

/** A response body whose text is already in memory (what `exchange` hooks hand over after reading upstream). */
export function textBody(text: string): Body {
  const bytes = Buffer.from(text, 'utf8');
  return {
    async *[Symbol.asyncIterator]() {
      yield bytes;
    },
    text: async () => text,
  };
}

/** A whole answer made by an `exchange` hook: status, content type and body text. */
export function bufferedAnswer(
  statusCode: number,
  contentType: string,
  text: string,
): UpstreamExchangeResponse {
  return { statusCode, headers: { 'content-type': contentType }, body: textBody(text) };
}
