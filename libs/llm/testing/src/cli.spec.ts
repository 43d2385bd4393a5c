import OpenAI from 'openai';
import type { FakeProvider } from './core/fake-server';
import { DEFAULT_CLI_PORT, MANUAL_CHUNK_DELAY_MS, MANUAL_LATENCY_MS, parseCliArgs, runCli } from './cli';

describe('fake-providers CLI', () => {
  it('defaults to port 4010 on 127.0.0.1 with model-like pacing', () => {
    expect(parseCliArgs([])).toEqual({
      port: DEFAULT_CLI_PORT,
      host: '127.0.0.1',
      latencyMs: MANUAL_LATENCY_MS,
      chunkDelayMs: MANUAL_CHUNK_DELAY_MS,
      record: true,
    });
    expect(DEFAULT_CLI_PORT).toBe(4010);
  });

  it('reads PORT, flags in both forms, and the zero-latency benchmark mode', () => {
    expect(parseCliArgs([], { PORT: '5000' }).port).toBe(5000);
    expect(parseCliArgs(['--port=6000', '--api-key', 'sk-x'], { PORT: '5000' })).toMatchObject({
      port: 6000,
      apiKey: 'sk-x',
    });
    expect(parseCliArgs(['--zero-latency'])).toMatchObject({ latencyMs: 0, chunkDelayMs: 0, record: false });
    expect(parseCliArgs(['--zero-latency', '--chunk-delay-ms', '5'])).toMatchObject({
      latencyMs: 0,
      chunkDelayMs: 5,
    });
    expect(parseCliArgs(['--latency-ms', '0', '--no-record'])).toMatchObject({ latencyMs: 0, record: false });
  });

  it('rejects bad arguments with the usage line', () => {
    expect(() => parseCliArgs(['--port', 'abc'])).toThrow(/--port expects a non-negative integer/);
    expect(() => parseCliArgs(['--bogus'])).toThrow(/unknown argument --bogus\nusage: fake-providers/);
    expect(() => parseCliArgs([], { PORT: 'x' })).toThrow(/PORT/);
  });

  it('starts the fake and prints its URL', async () => {
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    let fake: FakeProvider;
    try {
      fake = await runCli(['--port', '0', '--zero-latency'], {});
    } finally {
      write.mockRestore();
    }
    try {
      expect(out.join('')).toContain(`fake-openai listening on ${fake.url}\n`);
      expect(out.join('')).toContain('latency 0 ms, chunk delay 0 ms, recording off');
      const client = new OpenAI({ apiKey: 'k', baseURL: `${fake.url}/v1`, maxRetries: 0 });
      const res = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(res.choices[0].message.content).toBe('Hello! This is fake-openai answering: hi');
    } finally {
      await fake.close();
    }
  });

  it('starts a fake Vertex and prints the channel config a hand-made channel needs', async () => {
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    let fake: FakeProvider;
    try {
      fake = await runCli(['--port', '0', '--zero-latency', '--provider', 'vertex'], {});
    } finally {
      write.mockRestore();
    }
    try {
      const text = out.join('');
      expect(text).toContain(`fake-vertex listening on ${fake.url} (token endpoint ${fake.url}/token)`);
      const config = JSON.parse(/config (\{.*\})\n/.exec(text)![1]) as Record<string, string>;
      expect(JSON.parse(config.vertex_ai_adc)).toMatchObject({ token_uri: `${fake.url}/token` });
    } finally {
      await fake.close();
    }
  });

  it('knows the fakes it can start', () => {
    expect(() => parseCliArgs(['--provider', 'gcp'])).toThrow(
      /--provider expects openai, bedrock, vertex, azure/,
    );
  });

  it('starts a fake Azure OpenAI on request', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let fake: FakeProvider;
    try {
      fake = await runCli(['--port', '0', '--zero-latency', '--provider', 'azure', '--api-key', 'az'], {});
    } finally {
      write.mockRestore();
    }
    try {
      const res = await fetch(
        `${fake.url}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`,
        {
          method: 'POST',
          headers: { 'api-key': 'az', 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
        },
      );
      expect(res.status).toBe(200);
    } finally {
      await fake.close();
    }
  });

  it.each([
    [
      'cohere',
      '/v2/chat',
      { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }], stream: false },
    ],
    [
      'ollama',
      '/api/chat',
      { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: false },
    ],
    ['replicate', '/v1/models/meta/meta-llama-3-8b-instruct/predictions', { input: { prompt: 'hi' } }],
    ['coze', '/v3/chat', { bot_id: '1', user_id: 'u', stream: true, additional_messages: [] }],
  ])('starts the fake %s and prints how to point a channel at it', async (provider, path, body) => {
    let printed = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
      printed += String(text);
      return true;
    });
    let fake: FakeProvider;
    try {
      fake = await runCli(['--port', '0', '--zero-latency', '--provider', provider], {});
    } finally {
      write.mockRestore();
    }
    try {
      expect(printed).toContain(`fake-${provider} listening on ${fake.url}`);
      expect(printed).toMatch(/channel type (35|30|46|34): base URL/);
      const res = await fetch(`${fake.url}${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer pat_cli', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBeLessThan(300);
    } finally {
      await fake.close();
    }
  });
});
