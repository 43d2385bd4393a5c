/**
 * Incremental Server-Sent Events parser following the WHATWG event-stream rules:
 * lines end with CRLF, LF or CR (a CR at a chunk's end waits for a possible LF); `field: value` with one optional
 * space after the colon; `data` lines join with LF; lines starting with ':' are comments; an event is dispatched on a
 * blank line and only if it had a data field; `id` without NUL sets the last event id; `retry` takes digits only;
 * a leading BOM is skipped. Bytes are decoded as streaming UTF-8, so a chunk may split a multi-byte character.
 */
export interface SseEvent {
  /** `message` when the event had no `event:` field. */
  event: string;
  data: string;
  /** The last event id in effect, when one was set. */
  id?: string;
  retry?: number;
}

export interface SseParserOptions {
  /**
   * At end(), dispatch an event still waiting for its blank line (and a last unterminated line).
   * The spec discards it; lenient decoders of vendors that omit the final blank line turn this on.
   */
  dispatchIncompleteOnEnd?: boolean;
}

const LF = 10;
const CR = 13;

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly dispatchIncompleteOnEnd: boolean;
  private pendingLine = '';
  private skipNextLf = false;
  private atStart = true;
  private dataLines: string[] = [];
  private hasData = false;
  private eventType = '';
  private lastEventId = '';
  private retry: number | undefined;
  private output: SseEvent[] = [];

  constructor(options: SseParserOptions = {}) {
    this.dispatchIncompleteOnEnd = options.dispatchIncompleteOnEnd ?? false;
  }

  push(chunk: string | Uint8Array): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    this.feed(text);
    return this.take();
  }

  end(): SseEvent[] {
    this.feed(this.decoder.decode());
    if (this.dispatchIncompleteOnEnd) {
      if (this.pendingLine !== '') this.processLine(this.pendingLine);
      this.dispatch();
    }
    this.pendingLine = '';
    this.resetEvent();
    return this.take();
  }

  private take(): SseEvent[] {
    if (this.output.length === 0) return [];
    const events = this.output;
    this.output = [];
    return events;
  }

  private feed(input: string): void {
    let text = input;
    if (text.length === 0) return;
    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    if (this.skipNextLf) {
      this.skipNextLf = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    const length = text.length;
    for (let i = start; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code !== LF && code !== CR) continue;
      const piece = text.slice(start, i);
      const line = this.pendingLine === '' ? piece : this.pendingLine + piece;
      this.pendingLine = '';
      this.processLine(line);
      if (code === CR) {
        if (i + 1 < length) {
          if (text.charCodeAt(i + 1) === LF) i++;
        } else {
          this.skipNextLf = true;
        }
      }
      start = i + 1;
    }
    if (start < length) this.pendingLine += text.slice(start);
  }

  private processLine(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) return;
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        this.hasData = true;
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    if (!this.hasData) {
      this.resetEvent();
      return;
    }
    const event: SseEvent = {
      event: this.eventType === '' ? 'message' : this.eventType,
      data: this.dataLines.length === 1 ? this.dataLines[0] : this.dataLines.join('\n'),
    };
    if (this.lastEventId !== '') event.id = this.lastEventId;
    if (this.retry !== undefined) {
      event.retry = this.retry;
      this.retry = undefined;
    }
    this.output.push(event);
    this.resetEvent();
  }

  private resetEvent(): void {
    this.dataLines = [];
    this.hasData = false;
    this.eventType = '';
  }
}

/** Formats one SSE event (a `data` value with newlines becomes several `data:` lines). */
export function formatSseEvent(data: string, event?: string): string {
  const head = event ? `event: ${event}\n` : '';
  if (!data.includes('\n')) return `${head}data: ${data}\n\n`;
  return `${head}${data
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}
