import { crc32 } from 'node:zlib';

/** The header value type of a string in the AWS event-stream encoding. */
const STRING_TYPE = 7;

function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(STRING_TYPE, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    parts.push(head, valueBytes);
  }
  return Buffer.concat(parts);
}

/**
 * One AWS event-stream message (`application/vnd.amazon.eventstream`): total length and headers length (4 bytes
 * each, big-endian), the CRC32 of those 8 bytes, the headers, the payload, and the CRC32 of everything before it.
 * Written here with node's CRC32, independently of the decoder the gateway uses.
 */
export function encodeEventStreamMessage(
  headers: Record<string, string>,
  payload: Uint8Array | string,
): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const headerBytes = encodeHeaders(headers);
  const total = 12 + headerBytes.length + body.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, 12);
  body.copy(out, 12 + headerBytes.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

/** An event message as Bedrock sends it: `:event-type`, `:content-type: application/json`, `:message-type: event`. */
export function eventMessage(eventType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify(payload),
  );
}

/** An exception message inside a stream (`:message-type: exception`, e.g. `throttlingException`). */
export function exceptionMessage(exceptionType: string, message: string): Buffer {
  return encodeEventStreamMessage(
    { ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' },
    JSON.stringify({ message }),
  );
}

/** Decodes messages back (for the fake's own specs): headers and payload text, CRCs checked. */
export function decodeEventStreamMessages(
  bytes: Buffer,
): Array<{ headers: Record<string, string>; payload: string }> {
  const out: Array<{ headers: Record<string, string>; payload: string }> = [];
  let offset = 0;
  while (offset < bytes.length) {
    const total = bytes.readUInt32BE(offset);
    const headersLength = bytes.readUInt32BE(offset + 4);
    const frame = bytes.subarray(offset, offset + total);
    if (frame.readUInt32BE(8) !== crc32(frame.subarray(0, 8))) throw new Error('bad prelude CRC');
    if (frame.readUInt32BE(total - 4) !== crc32(frame.subarray(0, total - 4)))
      throw new Error('bad message CRC');
    const headers: Record<string, string> = {};
    let at = 12;
    while (at < 12 + headersLength) {
      const nameLength = frame.readUInt8(at);
      const name = frame.subarray(at + 1, at + 1 + nameLength).toString('utf8');
      at += 1 + nameLength;
      const type = frame.readUInt8(at);
      if (type !== STRING_TYPE) throw new Error(`unsupported header type ${type}`);
      const valueLength = frame.readUInt16BE(at + 1);
      headers[name] = frame.subarray(at + 3, at + 3 + valueLength).toString('utf8');
      at += 3 + valueLength;
    }
    out.push({ headers, payload: frame.subarray(12 + headersLength, total - 4).toString('utf8') });
    offset += total;
  }
  return out;
}
