import { GatewayError } from './gateway-error';
import type { StreamEvent } from './stream-events';
import type { StreamDecoder } from './upstream-adapter';

/**
 * The part every JSON-lines upstream stream decoder shares (Ollama's `application/x-ndjson`): bytes are decoded as
 * UTF-8 across chunk boundaries, split on newlines, and each non-empty line is handed over as parsed JSON. A line
 * that is not JSON ends the stream with an upstream error; a last line without its newline is still read at the end.
 */
export abstract class NdjsonStreamDecoder implements StreamDecoder {
  private readonly utf8 = new TextDecoder('utf-8');
  private buffer = '';
  private ended = false;
  private broken = false;

  push(chunk: string | Uint8Array): StreamEvent[] {
    if (this.broken) return [];
    this.buffer += typeof chunk === 'string' ? chunk : this.utf8.decode(chunk, { stream: true });
    const events: StreamEvent[] = [];
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1 && !this.broken) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      this.line(line, events);
      newline = this.buffer.indexOf('\n');
    }
    return events;
  }

  end(): StreamEvent[] {
    if (this.ended) return [];
    this.ended = true;
    const events: StreamEvent[] = [];
    if (!this.broken) {
      this.buffer += this.utf8.decode();
      const rest = this.buffer;
      this.buffer = '';
      this.line(rest, events);
    }
    if (!this.broken) this.onEnd(events);
    return events;
  }

  private line(raw: string, events: StreamEvent[]): void {
    const text = raw.trim();
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.broken = true;
      events.push({
        type: 'error',
        error: new GatewayError({
          kind: 'upstream',
          message: 'upstream sent malformed stream data',
          raw: text,
        }),
      });
      return;
    }
    if (this.onLine(value, events) === 'stop') this.broken = true;
  }

  /** One JSON value of the stream; return `'stop'` after a terminal error to ignore the rest. */
  protected abstract onLine(value: unknown, events: StreamEvent[]): void | 'stop';

  /** The upstream closed the stream: close what is open, or report that it ended too early. */
  protected abstract onEnd(events: StreamEvent[]): void;
}
