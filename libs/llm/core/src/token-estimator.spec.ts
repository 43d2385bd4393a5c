import type { CanonicalRequest } from './canonical-request';
import {
  countTextTokens,
  encodingForModel,
  estimateCompletionTokens,
  estimatePromptTokens,
  IMAGE_TOKENS_DEFAULT,
  IMAGE_TOKENS_LOW,
} from './token-estimator';

function request(partial: Partial<CanonicalRequest>): CanonicalRequest {
  return { model: 'gpt-4o', system: [], messages: [], sampling: {}, stream: false, ...partial };
}

describe('token estimator', () => {
  it('picks o200k_base for gpt-4o, gpt-4.1, gpt-5 and o-series models and cl100k_base otherwise', () => {
    for (const model of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1-nano',
      'gpt-5',
      'o1',
      'o3-mini',
      'o4-mini',
      'openai/gpt-4o',
    ]) {
      expect(encodingForModel(model)).toBe('o200k_base');
    }
    for (const model of [
      'gpt-3.5-turbo',
      'gpt-4',
      'gpt-4-turbo',
      'claude-3-5-sonnet',
      'deepseek-chat',
      'omni-x',
    ]) {
      expect(encodingForModel(model)).toBe('cl100k_base');
    }
  });

  it('counts text with the model encoding', () => {
    expect(countTextTokens('hello world', 'gpt-4o')).toBe(2);
    expect(countTextTokens('hello world', 'gpt-3.5-turbo')).toBe(2);
    expect(countTextTokens('', 'gpt-4o')).toBe(0);
    // The two encodings differ on this text: o200k has larger merges for non-English text.
    const text = 'Привет, как дела? 你好，世界。';
    expect(countTextTokens(text, 'gpt-4o')).toBeLessThan(countTextTokens(text, 'gpt-4'));
  });

  it('counts special-token text as plain text instead of throwing', () => {
    expect(countTextTokens('<|endoftext|>', 'gpt-4')).toBeGreaterThan(1);
  });

  it("estimates chat prompts with OpenAI's per-message framing", () => {
    const single = request({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello world' }] }],
    });
    // 3 reply priming + 3 framing + 1 ("user") + 2 ("hello world")
    expect(estimatePromptTokens(single)).toBe(9);
    const withSystem = request({
      system: [{ type: 'text', text: 'hello world' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello world' }], name: 'bob' }],
    });
    // + system message (3 + 1 + 2) + name (1 + 1)
    expect(estimatePromptTokens(withSystem)).toBe(9 + 6 + 2);
  });

  it('adds flat image costs, tool calls, tool results and tool definitions', () => {
    const base = estimatePromptTokens(request({ messages: [{ role: 'user', content: [] }] }));
    const images = request({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'url', url: 'https://x/y.png' }, detail: 'low' },
            { type: 'image', source: { kind: 'url', url: 'https://x/z.png' } },
          ],
        },
      ],
    });
    expect(estimatePromptTokens(images)).toBe(base + IMAGE_TOKENS_LOW + IMAGE_TOKENS_DEFAULT);
    const tools = request({
      messages: [{ role: 'user', content: [] }],
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
    });
    expect(estimatePromptTokens(tools)).toBeGreaterThan(base + 5);
  });

  it('estimates completion tokens of text, reasoning and tool calls', () => {
    expect(estimateCompletionTokens('gpt-4o', 'hello world')).toBe(2);
    expect(
      estimateCompletionTokens('gpt-4o', [
        { type: 'text', text: 'hello world' },
        { type: 'reasoning', text: 'hello world' },
        { type: 'tool-call', id: 'c', name: 'hello', arguments: '{}' },
      ]),
    ).toBe(2 + 2 + countTextTokens('hello', 'gpt-4o') + countTextTokens('{}', 'gpt-4o'));
  });
});
