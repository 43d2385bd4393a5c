import { GatewayError } from '@one-api/llm-core';
import { upstreamUrl } from './upstream-url';
import { isOpenAiCompatibleType, OPENAI_COMPATIBLE_TYPES, openAiCompatibleVendor } from './vendors';

const CHAT = '/v1/chat/completions';

describe('upstreamUrl', () => {
  it.each([
    [1, '', CHAT, 'https://api.openai.com/v1/chat/completions'],
    [1, 'https://proxy.example.com/', CHAT, 'https://proxy.example.com/v1/chat/completions'],
    [36, '', CHAT, 'https://api.deepseek.com/v1/chat/completions'],
    [29, '', CHAT, 'https://api.groq.com/openai/v1/chat/completions'],
    [20, '', CHAT, 'https://openrouter.ai/api/v1/chat/completions'],
    [40, '', CHAT, 'https://ark.cn-beijing.volces.com/api/v3/chat/completions'],
    [40, '', '/v1/embeddings', 'https://ark.cn-beijing.volces.com/api/v3/embeddings'],
    [41, '', CHAT, 'https://api.novita.ai/v3/openai/chat/completions'],
    [47, '', CHAT, 'https://qianfan.baidubce.com/v2/chat/completions'],
    [49, '', CHAT, 'https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions'],
    [49, '', '/v1/embeddings', 'https://dashscope.aliyuncs.com/compatible-mode/v1/embeddings'],
    [27, '', CHAT, 'https://api.minimax.chat/v1/text/chatcompletion_v2'],
    [27, '', '/v1/embeddings', 'https://api.minimax.chat/v1/embeddings'],
    [51, '', CHAT, 'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions'],
    [55, '', CHAT, 'https://integrate.api.nvidia.com/v1/chat/completions'],
    [56, '', '/v1/completions', 'https://api.cerebras.ai/v1/completions'],
    [8, 'http://127.0.0.1:9000', '/v1/moderations', 'http://127.0.0.1:9000/v1/moderations'],
    [50, 'http://vllm:8000', CHAT, 'http://vllm:8000/v1/chat/completions'],
  ])('type %i with base %j: %s → %s', (type, base, path, url) => {
    expect(upstreamUrl(type, base, path)).toBe(url);
  });

  it('sends Volcengine bot models (bot-…) to /api/v3/bots', () => {
    expect(upstreamUrl(40, '', CHAT, { model: 'bot-20250101123456-abcde' })).toBe(
      'https://ark.cn-beijing.volces.com/api/v3/bots/chat/completions',
    );
    expect(upstreamUrl(40, '', CHAT, { model: 'doubao-pro-32k' })).toBe(
      'https://ark.cn-beijing.volces.com/api/v3/chat/completions',
    );
  });

  it('puts the Cloudflare account id (config.user_id) into the Workers AI path', () => {
    const config = { user_id: '023e105f4ecef8ad9ca31a8372d0c353' };
    expect(upstreamUrl(37, '', CHAT, { config })).toBe(
      'https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/ai/v1/chat/completions',
    );
    expect(upstreamUrl(37, '', '/v1/embeddings', { config })).toBe(
      'https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/ai/v1/embeddings',
    );
    expect(() => upstreamUrl(37, '', CHAT, { config: {} })).toThrow(/config.user_id/);
  });

  it('reaches Zhipu v4 and Copilot (no version segment)', () => {
    expect(upstreamUrl(16, '', '/v1/embeddings')).toBe('https://open.bigmodel.cn/api/paas/v4/embeddings');
    expect(upstreamUrl(53, '', CHAT)).toBe('https://api.githubcopilot.com/chat/completions');
  });

  it('rejects a channel without any base URL', () => {
    expect(() => upstreamUrl(8, '', CHAT)).toThrow(GatewayError);
  });
});

describe('OpenAI-compatible vendor registry', () => {
  it('serves exactly the OpenAI-compatible channel types', () => {
    const expected = [
      1,
      2,
      3, // Azure: api-key header and deployment URLs (azure-url.ts)
      ...[4, 5, 6, 7, 8, 9, 10],
      12,
      13,
      16, // Zhipu: JWT auth in zhipu/adapter.ts
      19,
      20,
      22,
      ...[25, 26, 27, 28, 29],
      31,
      32,
      36,
      37, // Cloudflare Workers AI
      39,
      40,
      41,
    ];
    expected.push(44, 45, 47, 48, 49, 50, 51, 53, 54, 55, 56, 57);
    expect([...OPENAI_COMPATIBLE_TYPES].sort((a, b) => a - b)).toEqual(expected);
    for (const type of [0, 11, 14, 15, 17, 18, 21, 23, 24, 30, 33, 34, 35, 38, 42, 43, 46, 52]) {
      expect(isOpenAiCompatibleType(type)).toBe(false);
    }
  });

  it('gives OpenRouter its attribution headers', () => {
    expect(openAiCompatibleVendor(20)?.headers).toEqual({
      'HTTP-Referer': expect.any(String),
      'X-Title': expect.any(String),
    });
    expect(openAiCompatibleVendor(1)?.headers).toBeUndefined();
  });
});
