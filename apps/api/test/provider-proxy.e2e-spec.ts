import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A raw upstream: records what arrives, streams its answer in two parts with a gate between them. */
async function startRawUpstream() {
  const seen: Seen[] = [];
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let bodyChunksBeforeEnd = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      bodyChunksBeforeEnd++;
    });
    req.on('end', async () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      if (req.url?.startsWith('/slow')) {
        res.writeHead(207, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
        res.write('first part;');
        await gate;
        res.end('second part');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    openGate: () => openGate(),
    get bodyChunks() {
      return bodyChunksBeforeEnd;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Proxy channel (type 43): /v1/oneapi/proxy/:channelid/*', () => {
  let t: TestApp;
  let raw: Awaited<ReturnType<typeof startRawUpstream>>;
  let openai: FakeProvider;
  let root: Agent;
  let key: string;
  let rawChannel: number;
  let openaiChannel: number;

  beforeAll(async () => {
    raw = await startRawUpstream();
    openai = await startFakeOpenAI();
    t = await startTestApp();
    root = await t.login('root', '123456');
    rawChannel = await createChannel(root, {
      type: 43,
      name: 'raw proxy',
      key: 'upstream-raw-key',
      base_url: raw.url,
      models: '',
    });
    // The key is sent exactly as stored, so an OpenAI-style upstream needs "Bearer ..." in the channel key.
    openaiChannel = await createChannel(root, {
      type: 43,
      name: 'openai proxy',
      key: 'Bearer fake-upstream-key',
      base_url: openai.url,
      models: '',
    });
    key = (await createKey(root, { name: 'proxy', remain_quota: 1000 })).key;
  });
  afterAll(async () => {
    await t?.close();
    await raw?.close();
    await openai?.close();
  });

  async function lastLog() {
    await settled(t);
    return (await root.get('/api/log/').query({ type: 2, size: 1 })).body.data[0];
  }

  it('carries an OpenAI SDK call through unchanged, with the raw channel key and quota 0', async () => {
    const client = new OpenAI({
      apiKey: key,
      baseURL: `${t.url}/v1/oneapi/proxy/${openaiChannel}/v1`,
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'through the proxy' }],
    });
    expect(completion.choices[0].message.content).toContain('through the proxy');
    const sent = openai.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer fake-upstream-key');
    const log = await lastLog();
    expect(log.quota).toBe(0);
    expect(log.channel).toBe(openaiChannel);
    expect(log.content).toContain('proxy POST /v1/chat/completions → 200');
  });

  it('copies headers except Host, Content-Length, Accept-Encoding, Connection and keeps method, path and query', async () => {
    const body = Buffer.from('binary\u0000payload');
    const res = await fetch(`${t.url}/v1/oneapi/proxy/${rawChannel}/any/path?x=1&y=two`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/x-custom',
        'x-custom-header': 'kept',
        'accept-encoding': 'gzip',
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(body);
    const seen = raw.seen.at(-1)!;
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/any/path?x=1&y=two');
    expect(seen.headers.authorization).toBe('upstream-raw-key');
    expect(seen.headers['x-custom-header']).toBe('kept');
    expect(seen.headers['content-type']).toBe('application/x-custom');
    expect(seen.headers['accept-encoding']).toBeUndefined();
    expect(seen.headers.host).toBe(new URL(raw.url).host);
    expect(seen.body).toEqual(body);
  });

  it('streams the answer down before the upstream finished', async () => {
    const res = await fetch(`${t.url}/v1/oneapi/proxy/${rawChannel}/slow`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(207);
    expect(res.headers.get('x-upstream')).toBe('yes');
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('first part;');
    raw.openGate();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += Buffer.from(r.value).toString();
    expect(rest).toBe('second part');
  });

  it('streams a large upload up without buffering it whole', async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    const before = raw.bodyChunks;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 32; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await fetch(`${t.url}/v1/oneapi/proxy/${rawChannel}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(32 * 64 * 1024);
    expect(raw.bodyChunks - before).toBeGreaterThan(1);
  });

  it('refuses callers without a valid key, and channels that are not Proxy channels', async () => {
    const noKey = await fetch(`${t.url}/v1/oneapi/proxy/${rawChannel}/x`);
    expect(noKey.status).toBe(401);
    const other = await createChannel(root, { type: 1, name: 'not proxy', base_url: raw.url, models: 'm' });
    const wrongType = await fetch(`${t.url}/v1/oneapi/proxy/${other}/x`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { code: string } }).error.code).toBe('invalid_channel');
  });
});
