import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';

/** One decoded event-stream message: string headers (`:event-type`, `:message-type`, ...) and the raw payload. */
export interface EventStreamMessage {
  headers: Record<string, string>;
  payload: Uint8Array;
}

const PRELUDE_BYTES = 12;
const MIN_MESSAGE_BYTES = 16;
/** Bedrock's event messages are small; a length beyond this is a corrupt prelude, not a real frame. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const toUtf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const fromUtf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/**
 * Cuts an AWS event stream (`application/vnd.amazon.eventstream`) into messages — total length (4 bytes), headers
 * length (4), prelude CRC32, headers, payload, message CRC32 — whatever way the bytes are split across chunks.
 * Each complete message is checked and decoded by `@smithy/eventstream-codec`; a bad checksum or length throws.
 */
export class EventStreamReader {
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  private buffer: Buffer = Buffer.alloc(0);

  /** The messages completed by `chunk`. Throws on a corrupt message; the reader is unusable afterwards. */
  push(chunk: Uint8Array): EventStreamMessage[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const messages: EventStreamMessage[] = [];
    while (this.buffer.length >= PRELUDE_BYTES) {
      const total = this.buffer.readUInt32BE(0);
      if (total < MIN_MESSAGE_BYTES || total > MAX_MESSAGE_BYTES) {
        throw new Error(`event stream message length ${total} is out of range`);
      }
      if (this.buffer.length < total) break;
      const frame = this.buffer.subarray(0, total);
      this.buffer = this.buffer.subarray(total);
      messages.push(toMessage(this.codec.decode(new Uint8Array(frame))));
    }
    return messages;
  }

  /** Bytes of an unfinished message left when the stream ended. */
  get pendingBytes(): number {
    return this.buffer.length;
  }
}

function toMessage(message: Message): EventStreamMessage {
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(message.headers)) {
    if (header.type === 'string') headers[name] = header.value;
    else if (header.type !== 'binary') headers[name] = String(header.value);
  }
  return { headers, payload: message.body };
}
