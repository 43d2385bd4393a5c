/**
 * A Claude Code-shaped request (system blocks with cache_control, 23 tools, thinking, metadata, tool history with
 * signed thinking): to an OpenAI channel and back, and unchanged to an Anthropic channel.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { type CanonicalRequest, type StreamEvent } from '@one-api/llm-core';
import { anthropicMessagesCodec } from '@one-api/llm-codecs';
import { openAiAdapter } from '../openai/adapter';
import { anthropicAdapter } from './adapter';
import { fixtureText } from './fixtures/read-fixture';
import { anthropicPassthroughRequest } from './passthrough';

const raw = fixtureText('claude-code-request.json');
const original = JSON.parse(raw) as Record<string, unknown> & {
  messages: Array<{ role: string; content: unknown }>;
  tools: Array<{ name: string; input_schema: unknown; description: string }>;
};
const openAiChannel = { type: 1, baseUrl: '', key: 'sk-openai', config: {} };
const anthropicChannel = { type: 14, baseUrl: '', key: 'sk-ant', config: {} };

function openAiFixture(name: string): string {
  return readFileSync(join(__dirname, '../openai/fixtures', name), 'utf8');
}

/** `[{type:"text", text}]` without cache_control is the same message as the string `text`. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (
      key === 'content' &&
      Array.isArray(inner) &&
      inner.length === 1 &&
      inner[0]?.type === 'text' &&
      inner[0].cache_control === undefined
    ) {
      out[key] = inner[0].text;
    } else out[key] = normalize(inner);
  }
  return out;
}

describe('Claude Code request', () => {
  let canonical: CanonicalRequest;

  beforeAll(() => {
    canonical = anthropicMessagesCodec.decodeRequest(original);
  });

  it('is Claude Code-shaped: ~80 KB, 20+ tools, cached system blocks, thinking, metadata, streaming', () => {
    expect(raw.length).toBeGreaterThan(70_000);
    expect(original.tools.length).toBeGreaterThanOrEqual(20);
    expect(canonical.system.every((part) => part.cacheControl?.type === 'ephemeral')).toBe(true);
    expect(canonical.reasoning).toEqual({ enabled: true, budgetTokens: 31999 });
    expect(canonical.user).toMatch(/^user_[0-9a-f]{64}_account__session_/);
    expect(canonical.stream).toBe(true);
    expect(canonical.includeUsage).toBe(true);
  });

  it('passes unchanged to an Anthropic channel (passthrough keeps every byte)', () => {
    expect(anthropicPassthroughRequest(raw, { channelType: 14, baseUrl: '', key: 'sk-ant' }).body).toBe(raw);
  });

  it('decoded and rebuilt for an Anthropic channel keeps cache_control, thinking signatures and tools', () => {
    const built = anthropicAdapter.buildRequest(canonical, anthropicChannel);
    const body = JSON.parse(built.body);
    expect(normalize(body)).toEqual(normalize(original));
    expect(built.body.match(/"cache_control"/g)).toHaveLength(raw.match(/"cache_control"/g)!.length);
    const signatures = (value: { messages: Array<{ content: unknown }> }) =>
      value.messages.flatMap((m) =>
        Array.isArray(m.content)
          ? m.content
              .filter((b: { type: string }) => b.type === 'thinking')
              .map((b: { signature: string }) => b.signature)
          : [],
      );
    expect(signatures(body)).toEqual(signatures(original));
    expect(signatures(body)).toHaveLength(2);
    expect(built.warnings).toEqual([]);
  });

  it('converts to an OpenAI Chat body: system, 23 function tools, tool history, usage in the stream', () => {
    const built = openAiAdapter.buildRequest({ ...canonical, model: 'gpt-4o' }, openAiChannel);
    const body = JSON.parse(built.body);
    expect(built.url).toBe('https://api.openai.com/v1/chat/completions');
    const systemText = (original.system as Array<{ text: string }>).map((block) => block.text).join('\n');
    expect(body.messages[0]).toEqual({ role: 'system', content: systemText });
    expect(body.tools).toHaveLength(original.tools.length);
    expect(body.tools[3]).toEqual({
      type: 'function',
      function: {
        name: original.tools[3].name,
        description: original.tools[3].description,
        parameters: original.tools[3].input_schema,
      },
    });
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
      'user',
    ]);
    expect(body.messages[2]).toEqual({
      role: 'assistant',
      content: "I'll search for the retry configuration.",
      tool_calls: [
        {
          id: 'toolu_01Gk3LmWq2hJ8Zs5Vd9Xr4Ty',
          type: 'function',
          function: {
            name: 'Grep',
            arguments: '{"pattern":"retry","output_mode":"files_with_matches","-i":true}',
          },
        },
      ],
    });
    expect(body.messages[3]).toEqual({
      role: 'tool',
      tool_call_id: 'toolu_01Gk3LmWq2hJ8Zs5Vd9Xr4Ty',
      content: 'Found 2 files\n/repo/src/config.ts\n/repo/src/client.ts',
    });
    expect(body.messages[4].content).toBeNull();
    expect(body.max_tokens).toBe(32000);
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.user).toBe(canonical.user);
    expect(built.body).not.toContain('signature');
    expect(built.body).not.toContain('cache_control');
  });

  it('an OpenAI answer goes back to the Claude client as a message with tool_use blocks', () => {
    const answer = openAiAdapter.parseResponse(JSON.parse(openAiFixture('chat-response-tool-calls.json')));
    const body = anthropicMessagesCodec.encodeResponse(answer, {
      request: canonical,
      model: 'claude-sonnet-4-5-20250929',
    });
    expect(body).toEqual({
      id: 'msg_BcQ8ko2nz9B7CRvV0uVbcowidHpQU',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        {
          type: 'tool_use',
          id: 'call_qOfTGgDrItLORNfC6VwUbyLL',
          name: 'get_current_weather',
          input: { location: 'Boston, MA' },
        },
        {
          type: 'tool_use',
          id: 'call_8sVQ2pYh3nLmW0eXrT5kJdAa',
          name: 'get_current_weather',
          input: { location: 'Tokyo, Japan', unit: 'celsius' },
        },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 182,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: 51,
      },
    });
  });

  it('an OpenAI stream goes back as Claude SSE that the official SDK assembles', async () => {
    const decoder = openAiAdapter.createStreamDecoder();
    const encoder = anthropicMessagesCodec.createStreamEncoder({
      request: canonical,
      model: 'claude-sonnet-4-5-20250929',
    });
    const bytes = Buffer.from(openAiFixture('chat-stream-tool-calls.txt'));
    let sse = '';
    const write = (events: StreamEvent[]) => {
      for (const event of events) sse += encoder.encode(event);
    };
    for (let at = 0; at < bytes.length; at += 97) write(decoder.push(bytes.subarray(at, at + 97)));
    write(decoder.end());
    sse += encoder.finish();
    expect(
      sse
        .split('\n\n')
        .filter(Boolean)
        .every((frame) => frame.startsWith('event: ')),
    ).toBe(true);
    const client = new Anthropic({
      apiKey: 'sk-ant-test',
      maxRetries: 0,
      fetch: async () => new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    });
    const message = await client.messages
      .stream({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .finalMessage();
    expect(message.model).toBe('claude-sonnet-4-5-20250929');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.map((block) => block.type)).toEqual(['tool_use', 'tool_use']);
    expect(message.content[0]).toMatchObject({
      name: 'get_current_weather',
      input: { location: 'Boston, MA' },
    });
    expect(message.usage).toMatchObject({ input_tokens: 182, output_tokens: 51 });
  });
});
