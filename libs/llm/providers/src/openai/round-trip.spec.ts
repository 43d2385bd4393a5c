/**
 * Replays the recorded OpenAI wire fixtures through the OpenAI Chat codec and the OpenAI adapter:
 * decode → canonical → encode must give the fixture back, and streams must decode the same wherever they are split.
 */
import { SseParser, type StreamEvent } from '@one-api/llm-core';
import { openAiChatCodec } from '@one-api/llm-codecs';
import { openAiAdapter } from './adapter';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const channel = { type: 1, baseUrl: '', key: 'sk-upstream', config: {} };

function ssePayloads(text: string): unknown[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()].map((event) =>
    event.data === '[DONE]' ? '[DONE]' : JSON.parse(event.data),
  );
}

function decodeStream(chunks: Array<string | Uint8Array>): StreamEvent[] {
  const decoder = openAiAdapter.createStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events;
}

describe('OpenAI fixtures round trip', () => {
  it.each(['chat-request.json', 'chat-request-structured.json'])(
    '%s: codec decode → adapter build gives the same body',
    (name) => {
      const fixture = fixtureJson(name);
      const canonical = openAiChatCodec.decodeRequest(fixture);
      const built = openAiAdapter.buildRequest(canonical, channel);
      expect(built.url).toBe('https://api.openai.com/v1/chat/completions');
      expect(built.headers).toEqual({
        'Content-Type': 'application/json',
        Authorization: 'Bearer sk-upstream',
      });
      expect(JSON.parse(built.body)).toEqual(fixture);
      expect(built.warnings).toEqual([]);
    },
  );

  it.each(['chat-response-tool-calls.json', 'chat-response-text.json'])(
    '%s: adapter parse → codec encode gives the same body',
    (name) => {
      const fixture = fixtureJson(name);
      const canonical = openAiAdapter.parseResponse(fixture);
      const request = openAiChatCodec.decodeRequest(fixtureJson('chat-request.json'));
      expect(openAiChatCodec.encodeResponse(canonical, { request })).toEqual(fixture);
    },
  );

  it('parses the tool-call response into canonical parts and usage', () => {
    const canonical = openAiAdapter.parseResponse(fixtureJson('chat-response-tool-calls.json'));
    expect(canonical.content).toEqual([
      {
        type: 'tool-call',
        id: 'call_qOfTGgDrItLORNfC6VwUbyLL',
        name: 'get_current_weather',
        arguments: '{"location":"Boston, MA"}',
      },
      {
        type: 'tool-call',
        id: 'call_8sVQ2pYh3nLmW0eXrT5kJdAa',
        name: 'get_current_weather',
        arguments: '{"location":"Tokyo, Japan","unit":"celsius"}',
      },
    ]);
    expect(canonical.finishReason).toEqual({ reason: 'tool_calls', raw: 'tool_calls' });
    expect(canonical.usage).toEqual({
      inputTokens: 182,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 51,
      reasoningTokens: 0,
      totalTokens: 233,
    });
    const text = openAiAdapter.parseResponse(fixtureJson('chat-response-text.json'));
    expect(text.usage).toMatchObject({
      inputTokens: 2006,
      cacheReadTokens: 1920,
      outputTokens: 300,
      reasoningTokens: 256,
    });
  });

  it.each(['chat-stream-tool-calls.txt', 'chat-stream-text.txt'])(
    '%s: adapter stream decode → codec stream encode gives the same chunks',
    (name) => {
      const fixture = fixtureText(name);
      const request = openAiChatCodec.decodeRequest(fixtureJson('chat-request.json'));
      expect(request.includeUsage).toBe(true);
      const encoder = openAiChatCodec.createStreamEncoder({ request });
      const out =
        decodeStream([fixture])
          .map((event) => encoder.encode(event))
          .join('') + encoder.finish();
      expect(ssePayloads(out)).toEqual(ssePayloads(fixture));
      expect(out).toBe(fixture);
    },
  );

  it('decodes the tool-call stream into ordered canonical events', () => {
    const events = decodeStream([fixtureText('chat-stream-tool-calls.txt')]);
    const args = (index: number) =>
      events
        .filter(
          (e): e is Extract<StreamEvent, { type: 'tool-call-delta' }> =>
            e.type === 'tool-call-delta' && e.index === index,
        )
        .map((e) => e.argumentsDelta)
        .join('');
    expect(
      events.map((e) => e.type).filter((t, i, all) => t !== 'tool-call-delta' || all[i - 1] !== t),
    ).toEqual([
      'response-start',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-end',
      'tool-call-end',
      'finish',
      'usage',
    ]);
    expect(args(0)).toBe('{"location":"Boston, MA"}');
    expect(args(1)).toBe('{"location":"Tōkyō, Japan","unit":"celsius"}');
    expect(events[0]).toEqual({
      type: 'response-start',
      id: 'chatcmpl-BdNzJ9wS4Xb8kYp1c2QeR7tVu3mLq',
      model: 'gpt-4o-2024-08-06',
      created: 1748896000,
      systemFingerprint: 'fp_07871e2ad8',
      serviceTier: 'default',
    });
  });

  it.each(['chat-stream-tool-calls.txt', 'chat-stream-text.txt'])(
    '%s: split at every byte offset yields the same events',
    (name) => {
      const bytes = Buffer.from(fixtureText(name), 'utf8');
      const expected = decodeStream([bytes]);
      expect(expected.some((e) => e.type === 'error')).toBe(false);
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(decodeStream([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
      }
      expect(decodeStream([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(expected);
    },
  );
});
