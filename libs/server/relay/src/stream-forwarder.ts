import { SseParser, type Usage } from '@one-api/llm-core';
import { OpenAiUsageTap } from '@one-api/llm-providers';

const USAGE_ONLY = /"choices"\s*:\s*\[\s*\]/;

/**
 * Forwards an OpenAI-style SSE stream to the client while the usage tap reads it. When the gateway asked for usage
 * the client did not, the usage-only chunk (`choices: []`) is removed so the client sees the stream it asked for;
 * otherwise the upstream bytes pass unchanged.
 */
export class OpenAiStreamForwarder {
  private readonly tap = new OpenAiUsageTap({ collectCompletion: true });
  private readonly parser: SseParser | null;

  constructor(dropUsageChunk: boolean) {
    this.parser = dropUsageChunk ? new SseParser({ dispatchIncompleteOnEnd: true }) : null;
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

  get completed(): boolean {
    return this.tap.done;
  }
}
