import { SseParser, type SseEvent, type UpstreamExchangeResponse } from '@one-api/llm-core';

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

/** Reads a body to the end as UTF-8 text. */
export async function readText(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const utf8 = new TextDecoder();
  let out = '';
  for await (const chunk of chunks) out += utf8.decode(chunk, { stream: true });
  return out + utf8.decode();
}

/** What `peekSseStream` makes of an event: keep reading, the stream is good, or it failed before any output. */
export type PeekVerdict = 'wait' | 'go' | 'fail';

/**
 * Reads an SSE body up to the first event that decides whether the stream is good (`go`) or failed before any output
 * (`fail`), so an `exchange` hook can answer a failure as an HTTP error while the relay may still try another channel.
 * A good stream is returned as a body replaying what was read, then the rest; a stream that ends undecided counts as
 * failed (with no event).
 */
export async function peekSseStream(
  upstream: Body,
  classify: (event: SseEvent) => PeekVerdict,
): Promise<{ body: Body } | { failed: SseEvent | undefined }> {
  const iterator = upstream[Symbol.asyncIterator]();
  const parser = new SseParser({ dispatchIncompleteOnEnd: true });
  const read: Uint8Array[] = [];
  for (;;) {
    const next = await iterator.next();
    const events = next.done ? parser.end() : parser.push(next.value);
    if (!next.done) read.push(next.value);
    for (const event of events) {
      const verdict = classify(event);
      if (verdict === 'fail') {
        await iterator.return?.();
        return { failed: event };
      }
      if (verdict === 'go') {
        const rest = async function* (): AsyncGenerator<Uint8Array> {
          yield* read;
          if (next.done) return;
          for (;;) {
            const more = await iterator.next();
            if (more.done) return;
            yield more.value;
          }
        };
        return { body: { [Symbol.asyncIterator]: rest, text: () => readText(rest()) } };
      }
    }
    if (next.done) return { failed: undefined };
  }
}
