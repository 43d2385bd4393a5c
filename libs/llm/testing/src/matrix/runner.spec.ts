import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeProvider } from '../core/fake-server';
import { startFakeOpenAI } from '../openai/fake-openai';
import { MATRIX_USER_AGENT, runCell, runMatrix } from './runner';
import { selectVariants } from './variants';

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
type Answer = { status: number; body: string; type?: string } | 'hang';

/** A scripted gateway: `answer(n, request)` decides the n-th (0-based) answer. */
async function scripted(answer: (n: number, seen: Seen) => Answer) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const entry = {
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(raw) as Record<string, unknown>,
      };
      seen.push(entry);
      const a = answer(seen.length - 1, entry);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': a.type ?? 'application/json', 'x-oneapi-request-id': 'r1' });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const chatOk = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Hello!' } }] });
const [chatPlain] = selectVariants(['chat_stream_false']);
const [chatTools] = selectVariants(['chat_tools_stream_false']);

describe('runCell', () => {
  let server: Awaited<ReturnType<typeof scripted>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('posts the variant body with the bearer key and the harness user agent, and keeps what it got', async () => {
    server = await scripted(() => ({ status: 200, body: chatOk }));
    const cell = await runCell({ apiBase: `${server.url}/`, apiToken: 'sk-t', models: [] }, 'm', chatPlain);
    expect(server.seen[0]).toMatchObject({
      path: '/v1/chat/completions',
      headers: {
        authorization: 'Bearer sk-t',
        'user-agent': MATRIX_USER_AGENT,
        'content-type': 'application/json',
      },
      body: {
        model: 'm',
        stream: false,
        messages: [{ role: 'user', content: 'Say hello in one sentence.' }],
      },
    });
    expect(cell).toMatchObject({
      model: 'm',
      variant: 'chat_stream_false',
      status: 'PASS',
      httpStatus: 200,
      attempt: 1,
      reply: { kind: 'json', body: JSON.parse(chatOk) },
      headers: { 'x-oneapi-request-id': 'r1' },
    });
    expect(cell.reason).toBeUndefined();
    expect(cell.durationMs).toBeGreaterThan(0);
  });

  it('retries network errors and 5xx, then skips a gateway that stays unavailable', async () => {
    server = await scripted((n) =>
      n < 2 ? { status: 500, body: '{"error":{"message":"x"}}' } : { status: 200, body: chatOk },
    );
    const recovered = await runCell({ apiBase: server.url, apiToken: 'k', models: [] }, 'm', chatPlain);
    expect(recovered).toMatchObject({ status: 'PASS', attempt: 1 });
    expect(server.seen).toHaveLength(3);
    await server.close();

    server = await scripted(() => ({ status: 503, body: '{"error":{"message":"overloaded"}}' }));
    const skipped = await runCell(
      { apiBase: server.url, apiToken: 'k', models: [], transientTries: 2 },
      'm',
      chatPlain,
    );
    expect(skipped).toMatchObject({ status: 'SKIP', httpStatus: 503 });
    expect(server.seen).toHaveLength(2);
    await server.close();

    server = await scripted(() => ({ status: 500, body: '{"error":{"message":"boom","type":"api_error"}}' }));
    const failed = await runCell(
      { apiBase: server.url, apiToken: 'k', models: [], transientTries: 1 },
      'm',
      chatPlain,
    );
    expect(failed).toMatchObject({
      status: 'FAIL',
      httpStatus: 500,
      reason: expect.stringContaining('status 500'),
    });
  });

  it('fails a 400 at once and skips a 404', async () => {
    server = await scripted((n) =>
      n === 0
        ? { status: 400, body: '{"error":{"message":"bad request"}}' }
        : { status: 404, body: 'no route' },
    );
    const bad = await runCell({ apiBase: server.url, apiToken: 'k', models: [] }, 'm', chatPlain);
    expect(bad).toMatchObject({ status: 'FAIL', reason: 'status 400: {"error":{"message":"bad request"}}' });
    const missing = await runCell({ apiBase: server.url, apiToken: 'k', models: [] }, 'm', chatPlain);
    expect(missing).toMatchObject({ status: 'SKIP', reason: 'status 404: no route' });
    expect(server.seen).toHaveLength(2);
  });

  it('tries the fallback bodies of a tool variant, and answers PASS* when no attempt called a tool', async () => {
    server = await scripted(() => ({ status: 200, body: chatOk }));
    const soft = await runCell({ apiBase: server.url, apiToken: 'k', models: [] }, 'm', chatTools);
    expect(server.seen.map((s) => JSON.stringify(s.body.tool_choice))).toEqual([
      '{"type":"function","function":{"name":"get_weather"}}',
      '{"type":"function","function":{"name":"ping"}}',
      '"auto"',
    ]);
    expect(soft).toMatchObject({ status: 'PASS*', warning: 'tool was not invoked', attempt: 1 });
    await server.close();

    const call = { id: 'c', type: 'function', function: { name: 'ping', arguments: '{"message":"pong"}' } };
    server = await scripted((n) =>
      n === 0
        ? { status: 200, body: chatOk }
        : { status: 200, body: JSON.stringify({ choices: [{ message: { tool_calls: [call] } }] }) },
    );
    const second = await runCell({ apiBase: server.url, apiToken: 'k', models: [] }, 'm', chatTools);
    expect(second).toMatchObject({ status: 'PASS', attempt: 2 });
    expect(second.request.tool_choice).toEqual({ type: 'function', function: { name: 'ping' } });
  });

  it('gives up on a request that outlives the timeout', async () => {
    server = await scripted(() => 'hang');
    const cell = await runCell(
      { apiBase: server.url, apiToken: 'k', models: [], timeoutMs: 150, transientTries: 1 },
      'm',
      chatPlain,
    );
    expect(cell).toMatchObject({
      status: 'FAIL',
      httpStatus: 0,
      reason: expect.stringContaining('request failed'),
    });
  });
});

describe('runMatrix against the fake OpenAI standing in for a gateway', () => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake.close());

  it('passes the Chat and Responses rows, skips the Claude rows (404), in table order', async () => {
    const finished: string[] = [];
    const report = await runMatrix({
      apiBase: fake.url,
      apiToken: 'sk-any',
      models: ['gpt-4o-mini', 'gpt-4.1'],
      variants: selectVariants(['chat', 'claude_stream_false']),
      concurrency: 3,
      onCell: (c) => finished.push(`${c.variant}/${c.model}`),
    });
    expect(report.cells.map((c) => `${c.variant}/${c.model}/${c.status}`)).toEqual(
      [...selectVariants(['chat']).map((v) => v.key), 'claude_stream_false'].flatMap((k) => [
        `${k}/gpt-4o-mini/${k.startsWith('claude') ? 'SKIP' : 'PASS'}`,
        `${k}/gpt-4.1/${k.startsWith('claude') ? 'SKIP' : 'PASS'}`,
      ]),
    );
    expect(finished.sort()).toEqual(report.cells.map((c) => `${c.variant}/${c.model}`).sort());
    expect(report.totals).toEqual({ requests: 18, passed: 16, failed: 0, skipped: 2 });

    const responses = await runMatrix({
      apiBase: fake.url,
      apiToken: 'sk-any',
      models: ['gpt-4o-mini'],
      variants: selectVariants(['responses']),
    });
    // the fake refuses Claude's {type:"tool"} tool_choice as OpenAI does (a gateway must normalise it): the tools rows
    // pass on their third body (tool_choice "auto"), the tool-history rows fail
    expect(responses.cells.map((c) => `${c.variant}:${c.status}:${c.attempt}`)).toEqual([
      'response_stream_false:PASS:1',
      'response_stream_true:PASS:1',
      'response_tools_stream_false:PASS:3',
      'response_tools_stream_true:PASS:3',
      'response_tools_history_stream_false:FAIL:1',
      'response_tools_history_stream_true:FAIL:1',
      'response_structured_stream_false:PASS:1',
      'response_structured_stream_true:PASS:1',
    ]);
    expect(responses.cells[4].reason).toContain('status 400: {"error":{"message":"Invalid value: \'tool\'.');
  });
});
