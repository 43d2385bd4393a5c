import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError, type CanonicalRequest } from '@one-api/llm-core';
import {
  anthropicMessagesCodec,
  ANTHROPIC_BETA_STATE,
  ANTHROPIC_VERSION_STATE,
  openAiChatCodec,
} from '@one-api/llm-codecs';
import { anthropicAdapter, createAnthropicAdapter } from './adapter';
import { anthropicToolUseId, buildAnthropicBody } from './build-request';
import { fixtureJson } from './fixtures/read-fixture';
import { anthropicMessagesUrl } from './upstream-url';

const channel = { type: 14, baseUrl: '', key: 'sk-ant-upstream', config: {} };

function canonical(partial: Partial<CanonicalRequest>): CanonicalRequest {
  return {
    model: 'claude-sonnet-4-5',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    sampling: {},
    stream: false,
    ...partial,
  };
}

function body(request: CanonicalRequest, options = {}): Record<string, unknown> {
  return buildAnthropicBody(request, options).body;
}

describe('Anthropic adapter: build request', () => {
  it('rebuilds a decoded Claude request exactly (cache_control, signatures, server tools, extra fields)', () => {
    const fixture = fixtureJson('messages-request.json');
    const built = anthropicAdapter.buildRequest(anthropicMessagesCodec.decodeRequest(fixture), channel);
    expect(built.url).toBe('https://api.anthropic.com/v1/messages');
    expect(built.method).toBe('POST');
    expect(built.headers).toEqual({
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'x-api-key': 'sk-ant-upstream',
    });
    expect(JSON.parse(built.body)).toEqual(fixture);
    expect(built.warnings).toEqual([]);
  });

  it('keeps temperature, top_p and top_k of a Claude request without thinking', () => {
    const request = anthropicMessagesCodec.decodeRequest({
      model: 'claude-haiku-4-5',
      max_tokens: 2048,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello in one sentence.' }] }],
    });
    expect(body(request)).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 2048,
      messages: [{ role: 'user', content: 'Say hello in one sentence.' }],
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
    });
  });

  it('converts the recorded OpenAI chat request: system, images, tool history, tools, settings', () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, '../openai/fixtures/chat-request.json'), 'utf8'));
    const request = { ...openAiChatCodec.decodeRequest(fixture), model: 'claude-sonnet-4-5' };
    const { body: built, warnings } = buildAnthropicBody(request);
    expect(built).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: 'You are a helpful assistant.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: "What's the weather like in the city shown in these pictures?" },
            {
              type: 'image',
              source: {
                type: 'url',
                url: 'https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg',
              },
            },
            {
              type: 'image',
              source: {
                type: 'base64',
                media_type: 'image/png',
                data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
              },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_use',
              id: 'call_abc123',
              name: 'get_current_weather',
              input: { location: 'Madison, WI' },
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'call_abc123',
              content: '{"temperature":22,"unit":"celsius"}',
            },
            { type: 'text', text: 'And in Boston and Tokyo?' },
          ],
        },
      ],
      temperature: 0.7,
      stop_sequences: ['\n\n\n'],
      tools: [
        {
          name: 'get_current_weather',
          description: 'Get the current weather in a given location',
          input_schema: {
            type: 'object',
            properties: {
              location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
              unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
            },
            required: ['location'],
          },
        },
      ],
      tool_choice: { type: 'auto' },
      stream: true,
      metadata: { user_id: 'user-1234' },
    });
    expect(warnings).toEqual([
      'the image detail level was dropped: Anthropic does not accept it',
      'top_p was dropped: claude-sonnet-4-5 does not accept temperature and top_p together',
      'seed was dropped: Anthropic does not accept it',
    ]);
  });

  describe('temperature with top_p (refused together by Claude Sonnet 4.5, Haiku 4.5, Opus 4.1 and later)', () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, '../openai/fixtures/chat-request.json'), 'utf8'));
    const fromOpenAi = (model: string) => {
      const request = openAiChatCodec.decodeRequest({ ...fixture, model, temperature: 0.7, top_p: 0.9 });
      return buildAnthropicBody({ ...request, model });
    };

    it.each([
      'claude-sonnet-4-5',
      'claude-sonnet-4-5-20250929',
      'claude-haiku-4-5',
      'claude-opus-4-1-20250805',
      'claude-opus-4-5',
      'claude-sonnet-4-6',
      'claude-sonnet-4-5@20250929',
      'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    ])('%s: keeps temperature, drops top_p with a warning', (model) => {
      const { body: built, warnings } = fromOpenAi(model);
      expect(built.temperature).toBe(0.7);
      expect(built).not.toHaveProperty('top_p');
      expect(warnings).toContain(
        `top_p was dropped: ${model} does not accept temperature and top_p together`,
      );
    });

    it.each([
      'claude-3-5-haiku-20241022',
      'claude-3-7-sonnet-20250219',
      'claude-sonnet-4-20250514',
      'claude-opus-4-20250514',
      'claude-opus-4-0',
      'anthropic.claude-3-haiku-20240307-v1:0',
    ])('%s: keeps both', (model) => {
      const { body: built, warnings } = fromOpenAi(model);
      expect(built).toMatchObject({ temperature: 0.7, top_p: 0.9 });
      expect(warnings.some((w) => w.startsWith('top_p was dropped'))).toBe(false);
    });

    it("keeps a lone top_p, and a Claude caller's own pair as given", () => {
      expect(body(canonical({ model: 'claude-haiku-4-5', sampling: { topP: 0.5 } })).top_p).toBe(0.5);
      const claude = anthropicMessagesCodec.decodeRequest({
        model: 'claude-haiku-4-5',
        max_tokens: 64,
        temperature: 0.7,
        top_p: 0.9,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(body(claude)).toMatchObject({ temperature: 0.7, top_p: 0.9 });
    });
  });

  it('fills max_tokens from the adapter option (DEFAULT_MAX_TOKEN) and defaults to 2048', () => {
    expect(body(canonical({})).max_tokens).toBe(2048);
    const adapter = createAnthropicAdapter({ defaultMaxTokens: 4096 });
    expect(JSON.parse(adapter.buildRequest(canonical({}), channel).body).max_tokens).toBe(4096);
    expect(body(canonical({ sampling: { maxTokens: 77 } }), { defaultMaxTokens: 4096 }).max_tokens).toBe(77);
  });

  it('maps reasoning effort and budgets to thinking, keeping max_tokens above the budget', () => {
    const effort = body(
      canonical({ reasoning: { effort: 'medium' }, sampling: { temperature: 0.2, topK: 5 } }),
    );
    expect(effort.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    expect(effort.max_tokens).toBe(8192 + 2048);
    expect(effort.temperature).toBeUndefined();
    expect(effort.top_k).toBeUndefined();
    expect(
      body(canonical({ reasoning: { budgetTokens: 3000 }, sampling: { maxTokens: 10000 } })),
    ).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 3000 },
      max_tokens: 10000,
    });
    // a client max_tokens below the budget halves the budget, or turns thinking off when too small
    expect(body(canonical({ reasoning: { effort: 'high' }, sampling: { maxTokens: 4000 } }))).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2000 },
      max_tokens: 4000,
    });
    const small = buildAnthropicBody(
      canonical({ reasoning: { effort: 'high' }, sampling: { maxTokens: 1500 } }),
    );
    expect(small.body.thinking).toBeUndefined();
    expect(small.warnings).toEqual([
      'thinking was not enabled: max_tokens 1500 leaves no room for a thinking budget',
    ]);
    expect(body(canonical({ reasoning: { enabled: true } })).thinking).toEqual({
      type: 'enabled',
      budget_tokens: 1024,
    });
    expect(body(canonical({ reasoning: { effort: 'none' } })).thinking).toBeUndefined();
    expect(body(canonical({ reasoning: { enabled: false, budgetTokens: 5000 } })).thinking).toBeUndefined();
    const forced = buildAnthropicBody(
      canonical({
        reasoning: { effort: 'low' },
        tools: [{ name: 'f' }],
        toolChoice: { type: 'tool', name: 'f' },
      }),
    );
    expect(forced.body.thinking).toBeUndefined();
    expect(forced.body.tool_choice).toEqual({ type: 'tool', name: 'f' });
    expect(forced.warnings).toEqual([
      'thinking was not enabled: Anthropic does not allow it when a tool call is forced',
    ]);
  });

  it('writes adaptive and disabled thinking of Claude requests with the display option', () => {
    const decode = (thinking: unknown) =>
      anthropicMessagesCodec.decodeRequest({
        model: 'm',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'x' }],
        thinking,
      });
    expect(body(decode({ type: 'adaptive', display: 'omitted' })).thinking).toEqual({
      type: 'adaptive',
      display: 'omitted',
    });
    expect(body(decode({ type: 'disabled' })).thinking).toEqual({ type: 'disabled' });
  });

  it('maps tool choice and parallel tool calls, and sends no tool_choice without tools', () => {
    const tools = [{ name: 'f', parameters: { properties: { a: { type: 'string' } } } }];
    expect(body(canonical({ tools, toolChoice: 'required', parallelToolCalls: false }))).toMatchObject({
      tools: [{ name: 'f', input_schema: { type: 'object', properties: { a: { type: 'string' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(body(canonical({ tools, toolChoice: 'none' })).tool_choice).toEqual({ type: 'none' });
    expect(body(canonical({ tools, parallelToolCalls: false })).tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(body(canonical({ tools: [{ name: 'g' }] })).tools).toEqual([
      { name: 'g', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(body(canonical({ toolChoice: 'required' })).tool_choice).toBeUndefined();
  });

  it('sends signed and redacted reasoning back, drops unsigned reasoning, and fits foreign tool ids', () => {
    const { body: built, warnings } = buildAnthropicBody(
      canonical({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'deepseek thoughts' },
              { type: 'text', text: '' },
              { type: 'tool-call', id: 'call:1/x', name: 'f', arguments: '{"a":1}' },
            ],
          },
          {
            role: 'tool',
            content: [{ type: 'tool-result', toolCallId: 'call:1/x', content: [], isError: true }],
          },
          { role: 'assistant', content: [{ type: 'reasoning', text: 'only unsigned' }] },
          { role: 'system', content: [{ type: 'text', text: 'Now be terse.' }] },
          {
            role: 'user',
            content: [
              { type: 'audio', data: 'UklGRg==', format: 'wav' },
              { type: 'text', text: 'go' },
            ],
          },
        ],
      }),
    );
    expect(anthropicToolUseId('call:1/x')).toBe('call_1_x');
    expect(built.system).toBe('Now be terse.');
    expect(built.messages).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1_x', name: 'f', input: { a: 1 } }] },
      // the assistant turn left empty is skipped, so the next user text joins the tool results
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1_x', is_error: true },
          { type: 'text', text: 'go' },
        ],
      },
    ]);
    expect(warnings).toEqual([
      'reasoning without a signature from earlier turns was not sent',
      'system messages inside the conversation were moved to the system prompt',
      'audio input was dropped: Anthropic does not accept audio',
    ]);
  });

  it('maps files to documents and image data, and json_schema response formats to output_config', () => {
    const built = body(
      canonical({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'a.pdf' },
              { type: 'file', fileId: 'file_1' },
              { type: 'file', data: Buffer.from('plain').toString('base64'), mediaType: 'text/plain' },
              { type: 'file', data: 'R0lGOD', mediaType: 'image/gif' },
              { type: 'file', url: 'https://example.com/x.pdf' },
            ],
          },
        ],
        responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object' } },
      }),
    );
    expect(built.messages).toEqual([
      {
        role: 'user',
        content: [
          {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
            title: 'a.pdf',
          },
          { type: 'document', source: { type: 'file', file_id: 'file_1' } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'R0lGOD' } },
          { type: 'document', source: { type: 'url', url: 'https://example.com/x.pdf' } },
        ],
      },
    ]);
    expect(built.output_config).toEqual({ format: { type: 'json_schema', schema: { type: 'object' } } });
  });

  it("sends the caller's anthropic-version and anthropic-beta headers", () => {
    const request = canonical({
      codecState: {
        [ANTHROPIC_VERSION_STATE]: '2023-01-01',
        [ANTHROPIC_BETA_STATE]: 'context-1m-2025-08-07',
      },
    });
    expect(
      anthropicAdapter.buildRequest(request, {
        ...channel,
        type: 52,
        baseUrl: 'https://claude.example.com/api/v1/',
      }),
    ).toMatchObject({
      url: 'https://claude.example.com/api/v1/messages',
      headers: {
        'anthropic-version': '2023-01-01',
        'anthropic-beta': 'context-1m-2025-08-07',
        'x-api-key': 'sk-ant-upstream',
      },
    });
  });

  it('builds the messages and count_tokens URLs and refuses a ClaudeCompatible channel without a base URL', () => {
    expect(anthropicMessagesUrl(14, '')).toBe('https://api.anthropic.com/v1/messages');
    expect(anthropicMessagesUrl(14, 'https://proxy.example.com/')).toBe(
      'https://proxy.example.com/v1/messages',
    );
    expect(anthropicMessagesUrl(52, 'https://x.example.com/v1', 'count_tokens')).toBe(
      'https://x.example.com/v1/messages/count_tokens',
    );
    expect(() => anthropicMessagesUrl(52, '')).toThrow(GatewayError);
  });
});
