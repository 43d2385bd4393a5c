import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { chatReply, replyCompletionTokens } from '../openai/chat-reply';
import { wordPieces } from '../openai/ids';
import type { ChatRequest } from '../openai/types';
import { chatPromptTokens } from '../openai/usage';

export interface FakeSparkOptions {
  appId: string;
  apiKey: string;
  apiSecret: string;
}

export interface FakeSpark {
  /** `ws://127.0.0.1:<port>` (a channel's base_url) */
  readonly url: string;
  /** request frames received, oldest first, with the path they came on */
  readonly requests: Array<{ path: string; frame: Record<string, unknown> }>;
  /** handshakes refused, with the reason */
  readonly refused: string[];
  close(): Promise<void>;
}

interface SparkRequestFrame {
  header?: { app_id?: string };
  parameter?: { chat?: { domain?: string } };
  payload?: { message?: { text?: ChatRequest['messages'] } };
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Why the signed URL is refused, or undefined: the HMAC-SHA256 over host, date and request line, and the key. */
export function sparkUrlProblem(req: IncomingMessage, opts: FakeSparkOptions): string | undefined {
  const url = new URL(req.url ?? '/', 'ws://fake');
  const authorization = url.searchParams.get('authorization');
  const date = url.searchParams.get('date');
  const host = url.searchParams.get('host');
  if (!authorization || !date || !host) return 'missing authorization, date or host';
  if (host !== req.headers.host) return 'host does not match';
  if (Math.abs(Date.now() - Date.parse(date)) > 300_000) return 'date too far from now';
  const decoded = Buffer.from(authorization, 'base64').toString('utf8');
  const field = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(decoded)?.[1];
  if (field('api_key') !== opts.apiKey) return 'unknown api_key';
  if (field('algorithm') !== 'hmac-sha256' || field('headers') !== 'host date request-line')
    return 'bad scheme';
  const origin = `host: ${host}\ndate: ${date}\nGET ${url.pathname} HTTP/1.1`;
  const expected = createHmac('sha256', opts.apiSecret).update(origin).digest('base64');
  return field('signature') === expected ? undefined : 'HMAC signature does not match';
}

function frame(opcode: number, payload: Buffer): Buffer {
  let head: Buffer;
  if (payload.length < 126) head = Buffer.from([0x80 | opcode, payload.length]);
  else if (payload.length < 65536) {
    head = Buffer.from([0x80 | opcode, 126, 0, 0]);
    head.writeUInt16BE(payload.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([head, payload]);
}

/** Reads masked client frames (RFC 6455) from the socket, calling back with each text message. */
function readFrames(socket: Duplex, onText: (text: string) => void): void {
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length < 2) return;
      const opcode = buffer[0] & 0x0f;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (buffer[1] & 0x80) !== 0;
      const total = offset + (masked ? 4 : 0) + length;
      if (buffer.length < total) return;
      const mask = masked ? buffer.subarray(offset, offset + 4) : undefined;
      const payload = Buffer.from(buffer.subarray(total - length, total));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
      buffer = buffer.subarray(total);
      if (opcode === 0x1) onText(payload.toString('utf8'));
      else if (opcode === 0x8) {
        if (!socket.writableEnded) socket.end(frame(0x8, Buffer.alloc(0)));
        return;
      } else if (opcode === 0x9 && !socket.writableEnded) socket.write(frame(0xa, payload));
    }
  });
}

/**
 * iFlytek Spark v1 over WebSocket: the signed URL is verified at the handshake (401 otherwise), then each request
 * frame is answered with frames whose `header.status` goes 0 → 1 → 2, usage on the last, and the socket closed.
 */
export async function startFakeSpark(opts: FakeSparkOptions): Promise<FakeSpark> {
  const requests: FakeSpark['requests'] = [];
  const refused: string[] = [];
  const sockets = new Set<Duplex>();
  const server: Server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const problem = sparkUrlProblem(req, opts);
    if (problem) {
      refused.push(problem);
      const body = JSON.stringify({ message: 'HMAC signature cannot be verified' });
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
      return;
    }
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}${WS_GUID}`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const path = new URL(req.url ?? '/', 'ws://fake').pathname;
    readFrames(socket, (text) => {
      const request = JSON.parse(text) as SparkRequestFrame;
      requests.push({ path, frame: request as Record<string, unknown> });
      const sid = `cht000b${randomBytes(8).toString('hex')}`;
      const send = (value: unknown) => socket.write(frame(0x1, Buffer.from(JSON.stringify(value))));
      if (request.header?.app_id !== opts.appId) {
        send({ header: { code: 10005, message: 'app_id check failed', sid, status: 2 } });
        return;
      }
      const messages = request.payload?.message?.text;
      const chat: ChatRequest = { model: request.parameter?.chat?.domain, messages };
      const reply = chatReply(chat);
      const pieces = wordPieces(reply.kind === 'text' ? reply.text : '');
      const prompt = chatPromptTokens(chat);
      const completion = replyCompletionTokens(reply);
      pieces.forEach((piece, seq) => {
        const status = seq === 0 ? 0 : seq === pieces.length - 1 ? 2 : 1;
        send({
          header: { code: 0, message: 'Success', sid, status },
          payload: {
            choices: { status, seq, text: [{ content: piece, role: 'assistant', index: 0 }] },
            ...(status === 2
              ? {
                  usage: {
                    text: {
                      question_tokens: prompt,
                      prompt_tokens: prompt,
                      completion_tokens: completion,
                      total_tokens: prompt + completion,
                    },
                  },
                }
              : {}),
          },
        });
      });
      socket.end(frame(0x8, Buffer.alloc(0)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    requests,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
