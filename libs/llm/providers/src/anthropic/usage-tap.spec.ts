import { makeUsage } from '@one-api/llm-core';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';
import { AnthropicStreamUsageTap, usageFromAnthropicBody } from './usage-tap';

describe('AnthropicStreamUsageTap', () => {
  const fixture = fixtureText('stream-thinking-text-tool.txt');

  it('reads usage from message_start and message_delta, split anywhere', () => {
    const bytes = Buffer.from(fixture);
    for (const at of [1, 100, 777, bytes.length - 3]) {
      const tap = new AnthropicStreamUsageTap();
      tap.push(bytes.subarray(0, at));
      tap.push(bytes.subarray(at));
      tap.end();
      expect(tap.usage).toEqual(
        makeUsage({ inputTokens: 9672, cacheReadTokens: 8000, cacheWrite5mTokens: 1200, outputTokens: 89 }),
      );
      expect(tap.startUsage?.outputTokens).toBe(2);
      expect(tap.done).toBe(true);
      expect(tap.stopReason).toBe('tool_use');
      expect(tap.messageId).toBe('msg_01Aq9w938a90dw8q');
      expect(tap.model).toBe('claude-sonnet-4-5-20250929');
      expect(tap.completionText).toBe('');
    }
  });

  it('collects the generated text on request, and notes a cut stream and an error event', () => {
    const tap = new AnthropicStreamUsageTap({ collectCompletion: true });
    tap.push(fixture.slice(0, fixture.indexOf('event: message_delta')));
    tap.push(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
    tap.end();
    expect(tap.usage).toBeUndefined();
    expect(tap.startUsage?.inputTokens).toBe(9672);
    expect(tap.done).toBe(false);
    expect(tap.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(tap.completionText).toBe(
      'The user wants the weather in San Francisco. I should call get_weather.' +
        "Okay, let's check the weather for San Francisco, CA:" +
        'get_weather{"location": "San Francisco, CA", "unit": "fahrenheit"}',
    );
  });

  it('reads the usage of a non-stream body', () => {
    expect(usageFromAnthropicBody(JSON.stringify(fixtureJson('response-text.json')))).toEqual(
      makeUsage({ inputTokens: 12, outputTokens: 11 }),
    );
    expect(usageFromAnthropicBody('not json')).toBeUndefined();
  });
});
