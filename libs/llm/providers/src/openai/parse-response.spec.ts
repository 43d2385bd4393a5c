import { GatewayError } from '@one-api/llm-core';
import { parseOpenAiChatResponse } from './parse-response';

interface ChoiceFixture {
  index: number;
  message: Record<string, unknown>;
  finish_reason: string | null;
  usage?: unknown;
}

function completion(message: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const choices: ChoiceFixture[] = [
    { index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' },
  ];
  return {
    id: 'chatcmpl-x',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices,
    ...extra,
  };
}

describe('parseOpenAiChatResponse', () => {
  it('reads DeepSeek reasoning_content and prompt cache hits', () => {
    const response = parseOpenAiChatResponse(
      completion(
        { content: 'Answer', reasoning_content: 'Because.' },
        {
          usage: {
            prompt_tokens: 100,
            completion_tokens: 30,
            total_tokens: 130,
            prompt_cache_hit_tokens: 64,
            prompt_cache_miss_tokens: 36,
            completion_tokens_details: { reasoning_tokens: 20 },
          },
        },
      ),
    );
    expect(response.content).toEqual([
      { type: 'reasoning', text: 'Because.' },
      { type: 'text', text: 'Answer' },
    ]);
    expect(response.usage).toMatchObject({
      inputTokens: 100,
      cacheReadTokens: 64,
      outputTokens: 30,
      reasoningTokens: 20,
    });
  });

  it('reads OpenRouter reasoning, Moonshot usage inside the choice and a refusal as text', () => {
    const body = completion({ content: null, refusal: 'I cannot help with that.', reasoning: 'policy' });
    body.choices[0].usage = {
      prompt_tokens: 5,
      completion_tokens: 6,
      total_tokens: 11,
    };
    const response = parseOpenAiChatResponse(body);
    expect(response.content).toEqual([
      { type: 'reasoning', text: 'policy' },
      { type: 'text', text: 'I cannot help with that.' },
    ]);
    expect(response.usage?.totalTokens).toBe(11);
  });

  it('reads a legacy function_call and keeps other choices for n > 1', () => {
    const body = completion({ content: null, function_call: { name: 'f', arguments: '{}' } });
    body.choices.push({ index: 1, message: { role: 'assistant', content: 'b' }, finish_reason: 'length' });
    const response = parseOpenAiChatResponse(body);
    expect(response.content).toEqual([{ type: 'tool-call', id: 'call_0_0', name: 'f', arguments: '{}' }]);
    expect(response.usage).toBeUndefined();
    expect(response.extraChoices).toEqual([
      { index: 1, content: [{ type: 'text', text: 'b' }], finishReason: { reason: 'length', raw: 'length' } },
    ]);
  });

  it('maps vendor finish reasons and keeps the raw value', () => {
    const body = completion({ content: 'x' });
    body.choices[0].finish_reason = 'insufficient_system_resource';
    expect(parseOpenAiChatResponse(body).finishReason).toEqual({
      reason: 'error',
      raw: 'insufficient_system_resource',
    });
    body.choices[0].finish_reason = 'something_new';
    expect(parseOpenAiChatResponse(body).finishReason).toEqual({ reason: 'other', raw: 'something_new' });
  });

  it('throws a gateway error for an error body with status 200 or a body without choices', () => {
    const error = (() => {
      try {
        parseOpenAiChatResponse({
          error: { message: 'quota exhausted', type: 'insufficient_quota', code: 'insufficient_quota' },
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).message).toBe('quota exhausted');
    expect(() => parseOpenAiChatResponse({ id: 'x', choices: [] })).toThrow(
      'upstream returned a response without choices',
    );
    expect(() => parseOpenAiChatResponse('nope')).toThrow(GatewayError);
  });
  it('reads a forced tool call answered with finish_reason "stop" as finished by tool_calls (raw kept)', () => {
    const response = parseOpenAiChatResponse(
      completion({
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
      }),
    );
    expect(response.finishReason).toEqual({ reason: 'tool_calls', raw: 'stop' });
    expect(parseOpenAiChatResponse(completion({ content: 'hi' })).finishReason).toEqual({
      reason: 'stop',
      raw: 'stop',
    });
  });
});
