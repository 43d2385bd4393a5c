import { GatewayError } from './gateway-error';
import { SseParser } from './sse-parser';
import type { StreamEvent } from './stream-events';
import type { StreamDecoder } from './upstream-adapter';

/**
 * The part every SSE-based upstream stream decoder shares: incremental parsing (chunks may split anywhere), one
 * `end()`, and the subclass hooks for each event and for the end of the stream.
 */
export abstract class SseStreamDecoder implements StreamDecoder {
  private readonly parser = new SseParser({ dispatchIncompleteOnEnd: true });
  private ended = false;

  push(chunk: string | Uint8Array): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const sse of this.parser.push(chunk)) this.onEvent(sse.event, sse.data, events);
    return events;
  }

  end(): StreamEvent[] {
    if (this.ended) return [];
    this.ended = true;
    const events: StreamEvent[] = [];
    for (const sse of this.parser.end()) this.onEvent(sse.event, sse.data, events);
    this.onEnd(events);
    return events;
  }

  /** One SSE event (`name` is `message` when the event had no `event:` field). */
  protected abstract onEvent(name: string, data: string, events: StreamEvent[]): void;

  /** The upstream closed the stream: close what is open, or report that it ended too early. */
  protected abstract onEnd(events: StreamEvent[]): void;
}

/** The error event of a stream that ended before the response was complete. */
export function incompleteStreamEvent(): StreamEvent {
  return {
    type: 'error',
    error: new GatewayError({
      kind: 'upstream',
      message: 'upstream stream ended before the response was complete',
    }),
  };
}
