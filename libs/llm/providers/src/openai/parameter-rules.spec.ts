import type { CanonicalRequest } from '@one-api/llm-core';
import { buildOpenAiChatBody } from './build-request';
import { applyVendorParameterRules, isOpenAiReasoningModel } from './parameter-rules';

function canonical(model: string, extra: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model,
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    sampling: { maxTokens: 100, temperature: 0.2, topP: 0.9, presencePenalty: 0.5 },
    stream: false,
    ...extra,
  };
}

describe('vendor parameter rules', () => {
  it('knows the OpenAI reasoning models (o-series, gpt-5 but not gpt-5-chat)', () => {
    for (const model of ['o1', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'openai/o3', 'gpt-5.1'])
      expect(isOpenAiReasoningModel(model)).toBe(true);
    for (const model of ['gpt-4o', 'gpt-5-chat-latest', 'omni-moderation-latest', 'gpt-4.1'])
      expect(isOpenAiReasoningModel(model)).toBe(false);
  });

  it('o-series / gpt-5: max_completion_tokens, no temperature, top_p or penalties (converted requests)', () => {
    const { body, warnings } = buildOpenAiChatBody(canonical('o3'), 1);
    expect(body).toMatchObject({ model: 'o3', max_completion_tokens: 100 });
    for (const field of ['max_tokens', 'temperature', 'top_p', 'presence_penalty'])
      expect(body[field]).toBeUndefined();
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('temperature was dropped'),
        expect.stringContaining('top_p'),
      ]),
    );
    const chat = buildOpenAiChatBody(canonical('gpt-4o'), 1).body;
    expect(chat).toMatchObject({ max_tokens: 100, temperature: 0.2, top_p: 0.9, presence_penalty: 0.5 });
  });

  it('applies the same rules to a passed-through body; temperature 1 is kept', () => {
    const body: Record<string, unknown> = {
      model: 'gpt-5-mini',
      max_tokens: 50,
      temperature: 1,
      logprobs: true,
    };
    applyVendorParameterRules(body, 1);
    expect(body).toEqual({ model: 'gpt-5-mini', max_completion_tokens: 50, temperature: 1 });
    const kept: Record<string, unknown> = { model: 'o3', max_tokens: 50 };
    applyVendorParameterRules(kept, 50); // the rule follows the model name on any OpenAI-compatible channel
    expect(kept).toEqual({ model: 'o3', max_completion_tokens: 50 });
  });

  it('DeepSeek: reasoning_content of earlier turns is removed; deepseek-reasoner drops logprobs', () => {
    const body: Record<string, unknown> = {
      model: 'deepseek-reasoner',
      logprobs: true,
      messages: [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1', reasoning_content: 'thought' },
        { role: 'user', content: 'q2' },
      ],
    };
    const warnings = applyVendorParameterRules(body, 36);
    expect(body.messages).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' },
    ]);
    expect(body.logprobs).toBeUndefined();
    expect(warnings).toHaveLength(2);
  });

  it('xAI: grok-4 refuses penalties, stop and reasoning_effort; grok-3-mini keeps reasoning_effort; grok-3 keeps all', () => {
    const grok4: Record<string, unknown> = {
      model: 'grok-4',
      presence_penalty: 1,
      stop: ['x'],
      reasoning_effort: 'high',
      temperature: 0.3,
    };
    applyVendorParameterRules(grok4, 45);
    expect(grok4).toEqual({ model: 'grok-4', temperature: 0.3 });
    const mini: Record<string, unknown> = {
      model: 'grok-3-mini',
      frequency_penalty: 1,
      reasoning_effort: 'low',
    };
    applyVendorParameterRules(mini, 45);
    expect(mini).toEqual({ model: 'grok-3-mini', reasoning_effort: 'low' });
    const grok3: Record<string, unknown> = { model: 'grok-3', presence_penalty: 1, stop: ['x'] };
    applyVendorParameterRules(grok3, 45);
    expect(grok3).toEqual({ model: 'grok-3', presence_penalty: 1, stop: ['x'] });
  });

  it('OpenRouter: reasoning in its reasoning object, a budget as max_tokens, provider.sort from the setting', () => {
    const effort = buildOpenAiChatBody(
      canonical('anthropic/claude-sonnet-4', { reasoning: { effort: 'high' } }),
      20,
      {
        openRouterProviderSort: 'throughput',
      },
    ).body;
    expect(effort.reasoning).toEqual({ effort: 'high' });
    expect(effort.reasoning_effort).toBeUndefined();
    expect(effort.provider).toEqual({ sort: 'throughput' });
    const budget = buildOpenAiChatBody(
      canonical('anthropic/claude-sonnet-4', { reasoning: { budgetTokens: 4000 } }),
      20,
    ).body;
    expect(budget.reasoning).toEqual({ max_tokens: 4000 });
    expect(budget.provider).toBeUndefined();
    const chosen: Record<string, unknown> = { model: 'x', provider: { sort: 'latency', order: ['a'] } };
    applyVendorParameterRules(chosen, 20, { openRouterProviderSort: 'price' });
    expect(chosen.provider).toEqual({ sort: 'latency', order: ['a'] });
  });
});
