import { SseParser, type Usage } from '@one-api/llm-core';
import type { UsageTap } from './passthrough-formats';

const USAGE_ONLY = /"choices"\s*:\s*\[\s*\]/;

/**
 * Forwards a passthrough SSE stream to the client while a usage tap reads it. The bytes pass unchanged, except in one
 * case: on OpenAI Chat streams where the gateway asked for usage the client did not, the usage-only chunk
 * (`choices: []`) is removed so the client sees the stream it asked for.
 */
export class StreamForwarder {
  private readonly parser: SseParser | null;

  constructor(
    private readonly tap: UsageTap,
    dropOpenAiUsageChunk: boolean,
  ) {
    this.parser = dropOpenAiUsageChunk ? new SseParser({ dispatchIncompleteOnEnd: true }) : null;
  }

  /** Returns what to forward to the client for this upstream chunk. */
  push(chunk: Buffer): Buffer | string {
    if (!this.parser) {
      this.tap.push(chunk);
      return chunk;
    }
    return this.forward(this.parser.push(chunk));
  }

  finish(): string {
    if (!this.parser) {
      this.tap.end();
      return '';
    }
    return this.forward(this.parser.end());
  }

  private forward(events: Array<{ data: string }>): string {
    let out = '';
    for (const event of events) {
      const text = `data: ${event.data}\n\n`;
      this.tap.push(text);
      if (this.tap.usage && USAGE_ONLY.test(event.data) && event.data.includes('"usage"')) continue;
      out += text;
    }
    return out;
  }

  get usage(): Usage | undefined {
    return this.tap.usage;
  }

  get streamedText(): string {
    return this.tap.completionText;
  }
}

/** How a stream that broke after bytes were sent is reported inside it, in the format's own shape. */
export function streamBreakEvent(format: string, message: string): string {
  if (format === 'anthropic-messages') {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`;
  }
  if (format === 'openai-responses') {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'stream_interrupted', message, param: null })}\n\n`;
  }
  return `data: ${JSON.stringify({ error: { message, type: 'upstream_error', param: null, code: 'stream_interrupted' } })}\n\n`;
}
