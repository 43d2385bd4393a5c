import { GatewayError } from '@one-api/llm-core';
import { countAnthropicMessagesTokens } from './count-tokens';

describe('countAnthropicMessagesTokens', () => {
  const body = {
    model: 'claude-sonnet-4-5',
    system: 'You are a helpful assistant.',
    messages: [{ role: 'user', content: 'Hello, how are you today?' }],
  };

  it('counts a body without max_tokens and grows with system, tools and content', () => {
    const { input_tokens: plain } = countAnthropicMessagesTokens(body);
    expect(plain).toBeGreaterThan(10);
    const withTools = countAnthropicMessagesTokens({
      ...body,
      tools: [
        { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } },
        { type: 'web_search_20250305', name: 'web_search' },
      ],
    }).input_tokens;
    expect(withTools).toBeGreaterThan(plain + 10);
    const withServerBlock = countAnthropicMessagesTokens({
      ...body,
      messages: [
        ...body.messages,
        {
          role: 'assistant',
          content: [{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } }],
        },
      ],
    }).input_tokens;
    expect(withServerBlock).toBeGreaterThan(plain);
  });

  it('rejects a malformed body with an invalid-request error', () => {
    expect(() => countAnthropicMessagesTokens({ model: 'm' })).toThrow(GatewayError);
    expect(() => countAnthropicMessagesTokens({ model: 'm' })).toThrow('messages: Field required');
  });
});
