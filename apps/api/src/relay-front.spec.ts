import { createServer, request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express, { NextFunction, Request, Response } from 'express';
import { installRelayFront } from './relay-front';

/** A plain Express app on a real server: the front must take the relay routes, Express everything else. */
describe('installRelayFront', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    const app = express();
    app.set('trust proxy', 'loopback');
    const tag = (name: string) => (req: Request, res: Response, next: NextFunction) => {
      seen.push(name);
      res.locals[name] = true;
      next();
    };
    const before = [tag('context'), tag('metrics')];
    for (const m of before) app.use(m);
    app.use(express.json({ limit: 64 }));
    const lane = (req: Request, res: Response) => {
      res.status(200).json({
        by: 'lane',
        body: req.body as unknown,
        raw: (req as Request & { rawBody?: Buffer }).rawBody?.toString('utf8') ?? null,
        locals: Object.keys(res.locals).sort(),
        ip: req.ip,
        query: req.query,
      });
    };
    app.use((req: Request, res: Response, next: NextFunction) =>
      req.path === '/v1/chat/completions' ? res.json({ by: 'express', body: req.body as unknown }) : next(),
    );
    app.use((_req: Request, res: Response) => res.status(404).json({ by: 'express-404' }));
    server = createServer(app);
    installRelayFront(server, {
      express: app as never,
      before,
      bodyLimitBytes: 64,
      jsonTooDeep: (raw) => (raw.toString().startsWith('[[[[') ? 'too deep' : undefined),
      lane,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function post(path: string, body: Buffer | string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const json = { 'content-type': 'application/json' };

  it('serves relay routes itself after the app-wide middleware, with the parsed body and its raw bytes', async () => {
    seen.length = 0;
    const { status, json: answer } = await post('/v1/chat/completions?x=1', '{"model":"m"}', json);
    expect(status).toBe(200);
    expect(answer).toEqual({
      by: 'lane',
      body: { model: 'm' },
      raw: '{"model":"m"}',
      locals: ['context', 'metrics'],
      ip: '127.0.0.1',
      query: { x: '1' },
    });
    expect(seen).toEqual(['context', 'metrics']);
  });

  it('leaves other paths and methods to Express', async () => {
    expect((await post('/v1/other', '{}', json)).json).toEqual({ by: 'express-404' });
  });

  it('leaves compressed bodies to Express (body-parser inflates them)', async () => {
    const { json: answer } = await post('/v1/chat/completions', gzipSync('{"model":"z"}'), {
      ...json,
      'content-encoding': 'gzip',
    });
    expect(answer).toEqual({ by: 'express', body: { model: 'z' } });
  });

  it('answers bad bodies in the caller’s error format: invalid JSON 400, too large 413, too deep 400', async () => {
    const bad = await post('/v1/chat/completions', '{"model":', json);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      error: {
        message: 'request body is not valid JSON',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    expect((await post('/v1/chat/completions', '"a string"', json)).status).toBe(400);
    const large = await post('/v1/chat/completions', JSON.stringify({ pad: 'x'.repeat(100) }), json);
    expect(large.status).toBe(413);
    const deep = await post('/v1/messages', '[[[[1]]]]', json);
    expect(deep.status).toBe(400);
    expect(deep.json).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'too deep' },
    });
  });

  it('does not parse bodies that are not JSON (as express.json)', async () => {
    const { json: answer } = await post('/v1/chat/completions', 'model=m', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer).toMatchObject({ by: 'lane', raw: null });
    expect(answer.body).toBeUndefined();
  });
});
