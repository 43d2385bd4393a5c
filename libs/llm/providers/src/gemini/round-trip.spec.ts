/**
 * Replays the Gemini wire fixtures through the OpenAI Chat codec and the Gemini adapter, the path of a Chat client
 * on a Gemini channel: Chat body → canonical → Gemini body, Gemini answer / stream → canonical → Chat answer / SSE.
 */
import { SseParser, type StreamEvent } from '@one-api/llm-core';
import { openAiChatCodec } from '@one-api/llm-codecs';
import { geminiAdapter } from './adapter';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const channel = { type: 24, baseUrl: '', key: 'AIza-upstream', config: {} };

function sseData(text: string): unknown[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()].map((event) =>
    event.data === '[DONE]' ? '[DONE]' : JSON.parse(event.data),
  );
}

describe('Gemini fixtures through the OpenAI Chat codec', () => {
  const chatRequest = fixtureJson('chat-request-tools.json');

  it('a Chat request with image, tool history and reasoning becomes the recorded Gemini body', () => {
    const canonical = openAiChatCodec.decodeRequest(chatRequest);
    const built = geminiAdapter.buildRequest(canonical, channel);
    expect(built.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(built.headers).toEqual({ 'Content-Type': 'application/json', 'x-goog-api-key': 'AIza-upstream' });
    expect(JSON.parse(built.body)).toEqual(fixtureJson('generate-request-from-chat.json'));
    expect(built.warnings).toEqual([]);
  });

  it('a Gemini function-call answer becomes a chat.completion with tool_calls, reasoning and usage', () => {
    const request = openAiChatCodec.decodeRequest({
      ...chatRequest,
      stream: false,
      stream_options: undefined,
    });
    const canonical = geminiAdapter.parseResponse(fixtureJson('response-function-call.json'));
    const body = openAiChatCodec.encodeResponse(canonical, { request, model: 'gemini-2.5-flash' }) as any;
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('gemini-2.5-flash');
    const choice = body.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.reasoning_content).toContain('Locating the cities');
    expect(
      choice.message.tool_calls.map((c: any) => [c.type, c.function.name, c.function.arguments]),
    ).toEqual([
      ['function', 'get_current_weather', '{"location":"Boston, MA","unit":"celsius"}'],
      ['function', 'get_current_weather', '{"location":"Tokyo, JP","unit":"celsius"}'],
    ]);
    expect(body.usage).toMatchObject({
      prompt_tokens: 212,
      completion_tokens: 157,
      total_tokens: 369,
      prompt_tokens_details: { cached_tokens: 128 },
      completion_tokens_details: { reasoning_tokens: 111 },
    });
  });

  it('the recorded Gemini stream becomes chat.completion.chunk SSE with a usage chunk and [DONE]', () => {
    const request = openAiChatCodec.decodeRequest(chatRequest);
    const decoder = geminiAdapter.createStreamDecoder();
    const encoder = openAiChatCodec.createStreamEncoder({ request, model: 'gemini-2.5-flash' });
    const bytes = Buffer.from(fixtureText('stream-thought-text-call.txt'), 'utf8');
    let out = '';
    const events: StreamEvent[] = [];
    for (let i = 0; i < bytes.length; i += 17) events.push(...decoder.push(bytes.subarray(i, i + 17)));
    events.push(...decoder.end());
    for (const event of events) out += encoder.encode(event);
    out += encoder.finish();
    const chunks = sseData(out);
    expect(chunks[chunks.length - 1]).toBe('[DONE]');
    const deltas = chunks.slice(0, -2).map((c: any) => c.choices[0]);
    const text = deltas.map((c: any) => c.delta.content ?? '').join('');
    const reasoning = deltas.map((c: any) => c.delta.reasoning_content ?? '').join('');
    expect(text).toBe('Let me look that up — one moment.');
    expect(reasoning).toBe('**Checking the forecast**\n\nBoston first.');
    const call = deltas.flatMap((c: any) => c.delta.tool_calls ?? []);
    expect(call[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_current_weather' } });
    expect(call.map((c: any) => c.function.arguments).join('')).toBe('{"location":"Boston, MA"}');
    expect(deltas[deltas.length - 1].finish_reason).toBe('tool_calls');
    expect((chunks[chunks.length - 2] as any).usage).toMatchObject({
      prompt_tokens: 96,
      completion_tokens: 85,
      total_tokens: 181,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 58 },
    });
  });
});
