/**
 * Replays the Anthropic wire fixtures through the Anthropic adapter and the Claude Messages codec:
 * upstream body → canonical → client body must give the fixture back, and a decoded stream re-encoded for a Claude
 * client must decode to the same events and read in the official SDK like the upstream's own stream.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { StreamEvent } from '@one-api/llm-core';
import { anthropicMessagesCodec } from '@one-api/llm-codecs';
import { anthropicAdapter } from './adapter';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const request = anthropicMessagesCodec.decodeRequest(fixtureJson('messages-request.json'));

function decodeStream(text: string): StreamEvent[] {
  const decoder = anthropicAdapter.createStreamDecoder();
  return [...decoder.push(text), ...decoder.end()];
}

function encodeStream(events: StreamEvent[]): string {
  const encoder = anthropicMessagesCodec.createStreamEncoder({ request });
  return events.map((event) => encoder.encode(event)).join('') + encoder.finish();
}

async function sdkFinalMessage(sse: string): Promise<Anthropic.Message> {
  const client = new Anthropic({
    apiKey: 'sk-ant-test',
    maxRetries: 0,
    fetch: async () => new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
  return client.messages
    .stream({ model: 'claude-haiku-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }] })
    .finalMessage();
}

const withoutCreated = (events: StreamEvent[]) => events.map((event) => ({ ...event, created: 0 }));

describe('Anthropic fixtures round trip', () => {
  it.each(['response-thinking-tool-use.json', 'response-text.json'])(
    '%s: adapter parse → codec encode gives the same body',
    (name) => {
      const fixture = fixtureJson(name);
      const canonical = anthropicAdapter.parseResponse(fixture);
      expect(anthropicMessagesCodec.encodeResponse(canonical, { request })).toEqual(fixture);
    },
  );

  it('stream: decode → encode → decode gives the same events', () => {
    const events = decodeStream(fixtureText('stream-thinking-text-tool.txt'));
    const reencoded = encodeStream(events);
    expect(withoutCreated(decodeStream(reencoded))).toEqual(withoutCreated(events));
  });

  it('stream: the re-encoded stream reads in the SDK like the upstream stream and like the non-stream body', async () => {
    const upstream = await sdkFinalMessage(fixtureText('stream-thinking-text-tool.txt'));
    const converted = await sdkFinalMessage(
      encodeStream(decodeStream(fixtureText('stream-thinking-text-tool.txt'))),
    );
    expect(converted.content).toEqual(upstream.content);
    expect(converted.stop_reason).toBe('tool_use');
    expect(converted.usage).toMatchObject({
      input_tokens: 472,
      cache_creation_input_tokens: 1200,
      cache_read_input_tokens: 8000,
      output_tokens: 89,
    });
    const nonStream = fixtureJson<{ content: unknown[] }>('response-thinking-tool-use.json');
    expect(converted.content).toEqual(
      nonStream.content.filter((block) => (block as { type: string }).type !== 'redacted_thinking'),
    );
  });
});
