import {
  makeUsage,
  type CanonicalRequest,
  type CanonicalResponse,
  type EncodeContext,
} from '@one-api/llm-core';
import { LEGACY_FUNCTIONS_STATE } from './decode-request';
import { encodeOpenAiChatResponse } from './encode-response';

const request: CanonicalRequest = { model: 'gpt-4o', system: [], messages: [], sampling: {}, stream: false };
const ctx: EncodeContext = { request };

const response: CanonicalResponse = {
  id: 'chatcmpl-1',
  model: 'deepseek-reasoner',
  created: 1700000000,
  content: [
    { type: 'reasoning', text: 'Think', signature: 'sig' },
    { type: 'reasoning', text: 'ing.' },
    { type: 'text', text: 'Hello' },
    { type: 'text', text: ' there' },
  ],
  finishReason: { reason: 'stop', raw: 'end_turn' },
  usage: makeUsage({ inputTokens: 100, cacheReadTokens: 40, outputTokens: 20, reasoningTokens: 8 }),
};

describe('encodeOpenAiChatResponse', () => {
  it('writes a chat.completion with reasoning_content, joined text and detailed usage', () => {
    expect(encodeOpenAiChatResponse(response, ctx)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'deepseek-reasoner',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello there',
            reasoning_content: 'Thinking.',
            refusal: null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 20,
        total_tokens: 120,
        prompt_tokens_details: { cached_tokens: 40, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 8,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
    });
  });

  it('honours the reasoning format and the reported model override', () => {
    const asReasoning = encodeOpenAiChatResponse(response, {
      ...ctx,
      reasoningFormat: 'reasoning',
      model: 'my-alias',
    });
    expect(asReasoning.model).toBe('my-alias');
    expect(asReasoning.choices[0].message).toMatchObject({ reasoning: 'Thinking.' });
    expect(asReasoning.choices[0].message.reasoning_content).toBeUndefined();
    const asThinking = encodeOpenAiChatResponse(response, { ...ctx, reasoningFormat: 'thinking' });
    expect(asThinking.choices[0].message.thinking).toEqual({ content: 'Thinking.', signature: 'sig' });
  });

  it('writes tool calls with content null, or a legacy function_call when the client used functions', () => {
    const tools: CanonicalResponse = {
      ...response,
      content: [{ type: 'tool-call', id: 'call_9', name: 'f', arguments: '{"a":1}' }],
      finishReason: { reason: 'tool_calls', raw: 'tool_use' },
      usage: undefined,
    };
    const modern = encodeOpenAiChatResponse(tools, ctx);
    expect(modern.choices[0]).toMatchObject({
      message: {
        content: null,
        tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      },
      finish_reason: 'tool_calls',
    });
    expect(modern.usage).toBeUndefined();
    const legacy = encodeOpenAiChatResponse(tools, {
      request: { ...request, codecState: { [LEGACY_FUNCTIONS_STATE]: true } },
    });
    expect(legacy.choices[0].message.function_call).toEqual({ name: 'f', arguments: '{"a":1}' });
    expect(legacy.choices[0].message.tool_calls).toBeUndefined();
    expect(legacy.choices[0].finish_reason).toBe('function_call');
  });

  it('maps finish reasons and writes extra choices for n > 1', () => {
    const multi = encodeOpenAiChatResponse(
      {
        ...response,
        content: [{ type: 'text', text: 'a' }],
        finishReason: { reason: 'length', raw: 'max_tokens' },
        extraChoices: [
          {
            index: 1,
            content: [{ type: 'text', text: 'b' }],
            finishReason: { reason: 'content_filter', raw: 'SAFETY' },
          },
        ],
        serviceTier: 'default',
        systemFingerprint: 'fp_1',
      },
      ctx,
    );
    expect(multi.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'a', 'length'],
      [1, 'b', 'content_filter'],
    ]);
    expect([multi.service_tier, multi.system_fingerprint]).toEqual(['default', 'fp_1']);
  });
});
