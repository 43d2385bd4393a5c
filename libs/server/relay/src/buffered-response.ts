import type { UpstreamExchangeResponse } from '@one-api/llm-core';

/**
 * Reads a whole (non-stream) upstream answer while the relay is still choosing a channel: an upstream that breaks
 * off mid-body (connection reset, cut) is then one more failed attempt and the next channel is tried, instead of a
 * 502 for a caller who has received nothing yet. A transport error propagates to the attempt's failure handling.
 */
export async function bufferedResponse(
  response: UpstreamExchangeResponse,
): Promise<UpstreamExchangeResponse> {
  const text = await response.body.text();
  return {
    ...response,
    body: {
      text: async () => text,
      async *[Symbol.asyncIterator]() {
        yield Buffer.from(text, 'utf8');
      },
    },
  };
}
