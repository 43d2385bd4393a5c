import type { CanonicalRequest } from '@one-api/llm-core';
import { buildOpenAiChatRequest } from './build-request';

function req(partial: Partial<CanonicalRequest>): CanonicalRequest {
  return {
    model: 'gpt-4o',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    sampling: {},
    stream: false,
    ...partial,
  };
}

function build(partial: Partial<CanonicalRequest>, type = 1, key = 'sk-up', baseUrl = '') {
  const built = buildOpenAiChatRequest(req(partial), { type, baseUrl, key, config: {} });
  return { ...built, json: JSON.parse(built.body) as Record<string, unknown> };
}

describe('buildOpenAiChatRequest', () => {
  it('sends Bearer auth, JSON and the vendor headers', () => {
    const openRouter = build({}, 20);
    expect(openRouter.method).toBe('POST');
    expect(openRouter.headers).toMatchObject({
      'Content-Type': 'application/json',
      Authorization: 'Bearer sk-up',
      'HTTP-Referer': expect.any(String),
      'X-Title': expect.any(String),
    });
    expect(build({}, 50, '', 'http://vllm:8000').headers.Authorization).toBeUndefined();
  });

  it('forces stream_options.include_usage when streaming, whatever the client asked', () => {
    expect(build({ stream: true, includeUsage: false }).json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const plain = build({}).json;
    expect(plain.stream).toBeUndefined();
    expect(plain.stream_options).toBeUndefined();
  });

  it('uses max_completion_tokens for reasoning models and max_tokens otherwise', () => {
    expect(build({ sampling: { maxTokens: 10 } }).json).toMatchObject({ max_tokens: 10 });
    expect(build({ model: 'gpt-5-mini', sampling: { maxTokens: 10 } }).json).toMatchObject({
      max_completion_tokens: 10,
    });
    expect(build({ model: 'o4-mini', sampling: { maxTokens: 10 } }).json.max_tokens).toBeUndefined();
  });

  it('drops top_k with a warning where the vendor does not accept it', () => {
    const openai = build({ sampling: { topK: 40, temperature: 0.7 } }, 1);
    expect(openai.json.top_k).toBeUndefined();
    expect(openai.json.temperature).toBe(0.7);
    expect(openai.warnings).toEqual(['top_k was dropped: the upstream does not accept it']);
    const together = build({ sampling: { topK: 40 } }, 39);
    expect(together.json.top_k).toBe(40);
    expect(together.warnings).toEqual([]);
  });

  it('keeps cache_control on parts for OpenRouter and drops it elsewhere with a warning', () => {
    const cached: Partial<CanonicalRequest> = {
      model: 'anthropic/claude-sonnet-4',
      system: [{ type: 'text', text: 'long prompt', cacheControl: { type: 'ephemeral' } }],
    };
    expect(build(cached, 20).json.messages).toEqual([
      {
        role: 'system',
        content: [{ type: 'text', text: 'long prompt', cache_control: { type: 'ephemeral' } }],
      },
      { role: 'user', content: 'hi' },
    ]);
    const elsewhere = build(cached, 36);
    expect(elsewhere.json.messages).toEqual([
      { role: 'system', content: 'long prompt' },
      { role: 'user', content: 'hi' },
    ]);
    expect(elsewhere.warnings).toEqual([
      'cache_control hints were dropped: the upstream does not accept them',
    ]);
  });

  it('writes history: mid-conversation system text, reasoning dropped, tool results split per call, images moved', () => {
    const { json, warnings } = build({
      system: [
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'thinking', signature: 's' },
            { type: 'text', text: 'Let me check.' },
            { type: 'tool-call', id: 'c1', name: 'shot', arguments: '{}' },
            { type: 'tool-call', id: 'c2', name: 'read', arguments: '{"p":1}' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'c1',
              content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAA' } }],
            },
            {
              type: 'tool-result',
              toolCallId: 'c2',
              content: [{ type: 'text', text: 'file body' }],
              isError: false,
            },
          ],
        },
        { role: 'system', content: [{ type: 'text', text: 'later rule' }] },
      ],
    });
    expect(json.messages).toEqual([
      { role: 'system', content: 'a\nb' },
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'shot', arguments: '{}' } },
          { id: 'c2', type: 'function', function: { name: 'read', arguments: '{"p":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '' },
      { role: 'tool', tool_call_id: 'c2', content: 'file body' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAA' } }] },
      { role: 'system', content: 'later rule' },
    ]);
    expect(warnings).toEqual(['images in tool results were moved to a following user message']);
  });

  it('writes user parts: images, audio, files, and drops URL-only files with a warning', () => {
    const { json, warnings } = build({
      messages: [
        {
          role: 'user',
          name: 'al',
          content: [
            { type: 'text', text: 't' },
            { type: 'image', source: { kind: 'url', url: 'https://x/y.png' }, detail: 'low' },
            { type: 'audio', data: 'UklG', format: 'wav' },
            { type: 'file', filename: 'a.pdf', mediaType: 'application/pdf', data: 'JVBE' },
            { type: 'file', url: 'https://x/doc.pdf' },
          ],
        },
      ],
    });
    expect(json.messages).toEqual([
      {
        role: 'user',
        name: 'al',
        content: [
          { type: 'text', text: 't' },
          { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
          { type: 'input_audio', input_audio: { data: 'UklG', format: 'wav' } },
          { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' } },
        ],
      },
    ]);
    expect(warnings).toEqual([
      'a file given only by URL was dropped: OpenAI chat accepts file ids or inline data',
    ]);
  });

  it('writes tools, tool choice, response format and reasoning settings', () => {
    const { json } = build({
      tools: [{ name: 'f', description: 'd', parameters: { type: 'object' }, strict: true }],
      toolChoice: { type: 'tool', name: 'f' },
      parallelToolCalls: false,
      responseFormat: { type: 'json_object' },
      reasoning: { effort: 'minimal' },
      sampling: {
        stop: ['x'],
        seed: 1,
        presencePenalty: 0.5,
        frequencyPenalty: 0.25,
        n: 2,
        logprobs: true,
        topLogprobs: 2,
      },
      user: 'u',
    });
    expect(json).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_object' },
      reasoning_effort: 'minimal',
      stop: ['x'],
      seed: 1,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      n: 2,
      logprobs: true,
      top_logprobs: 2,
      user: 'u',
    });
  });

  it('turns a thinking budget into reasoning_effort with a warning', () => {
    const cases: Array<[number, string]> = [
      [1024, 'low'],
      [8000, 'medium'],
      [32000, 'high'],
    ];
    for (const [budget, effort] of cases) {
      const built = build({ model: 'o3', reasoning: { budgetTokens: budget, enabled: true } });
      expect(built.json.reasoning_effort).toBe(effort);
      expect(built.warnings).toHaveLength(1);
    }
    expect(
      build({ model: 'o3', reasoning: { budgetTokens: 4000, enabled: false } }).json.reasoning_effort,
    ).toBeUndefined();
  });

  it('passes extra fields and metadata through only for requests that arrived as OpenAI Chat', () => {
    const extra = { store: true, messages: 'must not override', logit_bias: { '1': 2 } };
    const fromChat = build({ sourceFormat: 'openai-chat', extra, metadata: { a: 'b' } }, 36);
    expect(fromChat.json).toMatchObject({ store: true, logit_bias: { '1': 2 }, metadata: { a: 'b' } });
    expect(Array.isArray(fromChat.json.messages)).toBe(true);
    const fromClaude = build(
      { sourceFormat: 'anthropic-messages', extra: { anthropic_only: 1 }, metadata: { user_id: 'x' } },
      36,
    );
    expect(fromClaude.json.anthropic_only).toBeUndefined();
    expect(fromClaude.json.metadata).toBeUndefined();
    expect(fromClaude.warnings).toEqual(['metadata was dropped: the upstream may not accept it']);
    expect(
      build({ sourceFormat: 'anthropic-messages', metadata: { user_id: 'x' } }, 1).json.metadata,
    ).toEqual({ user_id: 'x' });
  });

  it('targets the vendor URL', () => {
    expect(build({}, 40).url).toBe('https://ark.cn-beijing.volces.com/api/v3/chat/completions');
  });

  it("sends a Chat caller's modalities, and no other format's image ask", () => {
    const chat = build({ outputModalities: ['image', 'text'], sourceFormat: 'openai-chat' }, 20);
    expect(chat.json.modalities).toEqual(['image', 'text']);
    const responses = build({ outputModalities: ['text', 'image'], sourceFormat: 'openai-responses' });
    expect(responses.json).not.toHaveProperty('modalities');
  });
});
