import { GatewayError } from '@one-api/llm-core';
import { anthropicAdapter } from './adapter';
import { fixtureJson } from './fixtures/read-fixture';

describe('Anthropic adapter: parse response', () => {
  it('parses thinking with its signature, redacted thinking, text, tool_use and cache usage', () => {
    const response = anthropicAdapter.parseResponse(fixtureJson('response-thinking-tool-use.json'));
    expect(response.id).toBe('msg_01Aq9w938a90dw8q');
    expect(response.model).toBe('claude-sonnet-4-5-20250929');
    expect(response.content).toEqual([
      {
        type: 'reasoning',
        text: 'The user wants the weather in San Francisco. I should call get_weather.',
        signature:
          'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds4qqxs0rFwBQ6nT6eu2jKEb1tk+pDk7YhKOLiJcoTZz0S6lMxQ1jqWaz2D6uw8YvHm1B4bK7tq2Q2jVaD9E5xKdA1Bw=',
      },
      {
        type: 'reasoning',
        text: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP',
        redacted: true,
      },
      { type: 'text', text: "Okay, let's check the weather for San Francisco, CA:" },
      {
        type: 'tool-call',
        id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
        name: 'get_weather',
        arguments: '{"location":"San Francisco, CA","unit":"fahrenheit"}',
      },
    ]);
    expect(response.finishReason).toEqual({ reason: 'tool_calls', raw: 'tool_use' });
    expect(response.usage).toEqual({
      inputTokens: 472 + 1200 + 8000,
      cacheReadTokens: 8000,
      cacheWrite5mTokens: 1200,
      cacheWrite1hTokens: 0,
      outputTokens: 89,
      reasoningTokens: 0,
      totalTokens: 472 + 1200 + 8000 + 89,
    });
  });

  it('parses a plain text answer', () => {
    const response = anthropicAdapter.parseResponse(fixtureJson('response-text.json'));
    expect(response.content).toEqual([{ type: 'text', text: 'Hello! How can I help you today?' }]);
    expect(response.finishReason).toEqual({ reason: 'stop', raw: 'end_turn' });
    expect(response.usage?.inputTokens).toBe(12);
  });

  it('skips server tool blocks and throws on an error body or a body without content', () => {
    const response = anthropicAdapter.parseResponse({
      id: 'msg_1',
      type: 'message',
      model: 'm',
      content: [
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } },
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
        { type: 'text', text: 'Found it.' },
      ],
      stop_reason: 'end_turn',
      usage: { input_tokens: 1, output_tokens: 2 },
    });
    expect(response.content).toEqual([{ type: 'text', text: 'Found it.' }]);
    const overloaded = () => anthropicAdapter.parseResponse(fixtureJson('error-529-overloaded.json'));
    expect(overloaded).toThrow(GatewayError);
    expect(overloaded).toThrow('Overloaded');
    expect(() => anthropicAdapter.parseResponse({ id: 'x' })).toThrow(
      'upstream returned a message without content',
    );
    expect(() => anthropicAdapter.parseResponse('nope')).toThrow('not a JSON object');
  });
});
