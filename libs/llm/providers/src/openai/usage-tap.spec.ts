import { fixtureText } from './fixtures/read-fixture';
import { OpenAiUsageTap, usageFromOpenAiBody } from './usage-tap';

function tap(chunks: Array<string | Uint8Array>, collect = false): OpenAiUsageTap {
  const usageTap = new OpenAiUsageTap({ collectCompletion: collect });
  for (const chunk of chunks) usageTap.push(chunk);
  usageTap.end();
  return usageTap;
}

describe('OpenAiUsageTap', () => {
  it('finds the usage chunk of a passthrough stream wherever the bytes are split, without changing them', () => {
    const text = fixtureText('chat-stream-text.txt');
    const bytes = Buffer.from(text, 'utf8');
    const copy = Buffer.from(bytes);
    for (let cut = 0; cut <= bytes.length; cut += 7) {
      const result = tap([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(result.usage).toMatchObject({ inputTokens: 19, outputTokens: 12, totalTokens: 31 });
      expect(result.done).toBe(true);
    }
    expect(bytes.equals(copy)).toBe(true);
  });

  it('collects generated text and the finish reason for estimates when asked', () => {
    const result = tap([fixtureText('chat-stream-text.txt')], true);
    expect(result.completionText).toBe('Bonjour 👋! Comment ça va ? 你好，世界。');
    expect(result.finishReason).toBe('stop');
    const tools = tap([fixtureText('chat-stream-tool-calls.txt')], true);
    expect(tools.completionText).toBe(
      'get_current_weather{"location":"Boston, MA"}get_current_weather{"location":"Tōkyō, Japan","unit":"celsius"}',
    );
  });

  it('reports no usage for a stream without a usage object and keeps the last one when repeated', () => {
    const none = tap([
      'data: {"choices":[{"index":0,"delta":{"content":"x"}}],"usage":null}\n\ndata: [DONE]\n\n',
    ]);
    expect(none.usage).toBeUndefined();
    const repeated = tap([
      'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}\n\n',
      'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}}\n\n',
    ]);
    expect(repeated.usage?.outputTokens).toBe(9);
    expect(repeated.done).toBe(false);
  });
});

describe('usageFromOpenAiBody', () => {
  it('reads usage from a non-streamed body given as text or object', () => {
    expect(usageFromOpenAiBody(fixtureText('chat-response-text.json'))).toMatchObject({
      inputTokens: 2006,
      cacheReadTokens: 1920,
    });
    expect(
      usageFromOpenAiBody({ choices: [{ usage: { prompt_tokens: 1, completion_tokens: 2 } }] })?.totalTokens,
    ).toBe(3);
    expect(usageFromOpenAiBody('not json')).toBeUndefined();
  });
});
