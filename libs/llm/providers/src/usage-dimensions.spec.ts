import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamEvent, Usage } from '@one-api/llm-core';
import { AnthropicStreamDecoder } from './anthropic/stream-decoder';
import { parseAnthropicResponse } from './anthropic/parse-response';
import { AnthropicStreamUsageTap, usageFromAnthropicBody } from './anthropic/usage-tap';
import { GeminiStreamDecoder } from './gemini/stream-decoder';
import { parseGeminiResponse } from './gemini/parse-response';
import { OpenAiChatStreamDecoder } from './openai/stream-decoder';
import { parseOpenAiChatResponse } from './openai/parse-response';
import { OpenAiUsageTap, usageFromOpenAiBody } from './openai/usage-tap';
import { OpenAiResponsesStreamDecoder } from './openai-responses/stream-decoder';
import { parseOpenAiResponsesResponse } from './openai-responses/parse-response';
import { ResponsesUsageTap, usageFromResponsesBody } from './openai-responses/usage-tap';

/**
 * Every usage dimension billing prices — cache reads, 5-minute and 1-hour cache writes, reasoning — read from each
 * provider's recorded wire format by the converting path (parse / stream decoder) and the passthrough path (usage
 * taps and body readers), which must agree.
 */
const fixture = (provider: string, name: string) =>
  readFileSync(join(__dirname, provider, 'fixtures', name), 'utf8');

function streamUsage(decoder: { push(c: string): StreamEvent[]; end(): StreamEvent[] }, text: string): Usage {
  const events = [...decoder.push(text), ...decoder.end()];
  const usage = events.filter((e): e is Extract<StreamEvent, { type: 'usage' }> => e.type === 'usage').at(-1);
  if (!usage) throw new Error('no usage event');
  return usage.usage;
}

function tapped<T extends { push(c: string): void; end(): void }>(tap: T, text: string): T {
  // Byte-split in the middle of the usage payload, as a real socket may deliver it.
  const cut = text.indexOf('usage') + 3;
  tap.push(text.slice(0, cut));
  tap.push(text.slice(cut));
  tap.end();
  return tap;
}

describe('usage dimensions from every provider', () => {
  it('OpenAI Chat: prompt_tokens_details.cached_tokens and completion_tokens_details.reasoning_tokens', () => {
    const expected = { inputTokens: 2048, cacheReadTokens: 1920, outputTokens: 900, reasoningTokens: 768 };
    const body = fixture('openai', 'chat-response-cached-reasoning.json');
    expect(parseOpenAiChatResponse(JSON.parse(body)).usage).toMatchObject(expected);
    expect(usageFromOpenAiBody(body)).toMatchObject(expected);
    const stream = fixture('openai', 'chat-stream-cached-reasoning.txt');
    expect(streamUsage(new OpenAiChatStreamDecoder(), stream)).toMatchObject(expected);
    expect(tapped(new OpenAiUsageTap(), stream).usage).toMatchObject(expected);
  });

  it('Responses: input_tokens_details.cached_tokens and output_tokens_details.reasoning_tokens', () => {
    const expected = { inputTokens: 3000, cacheReadTokens: 2560, outputTokens: 700, reasoningTokens: 640 };
    const body = fixture('openai-responses', 'response-cached-reasoning.json');
    expect(parseOpenAiResponsesResponse(JSON.parse(body)).usage).toMatchObject(expected);
    expect(usageFromResponsesBody(body)).toMatchObject(expected);
    const stream = fixture('openai-responses', 'stream-cached-reasoning.txt');
    expect(streamUsage(new OpenAiResponsesStreamDecoder(), stream)).toMatchObject(expected);
    expect(tapped(new ResponsesUsageTap(), stream).usage).toMatchObject(expected);
  });

  it('Gemini: cachedContentTokenCount, and thoughtsTokenCount billed as output', () => {
    const body = fixture('gemini', 'response-cached-thoughts.json');
    expect(parseGeminiResponse(JSON.parse(body)).usage).toMatchObject({
      inputTokens: 10000,
      cacheReadTokens: 8000,
      outputTokens: 200,
      reasoningTokens: 150,
    });
    const stream = fixture('gemini', 'stream-thought-text-call.txt');
    expect(streamUsage(new GeminiStreamDecoder(), stream)).toMatchObject({
      inputTokens: 96,
      cacheReadTokens: 64,
      outputTokens: 27 + 58,
      reasoningTokens: 58,
    });
  });

  it('Anthropic: cache_read_input_tokens and cache_creation split into 5m and 1h, added to input_tokens', () => {
    const expected = {
      inputTokens: 2000 + 3000 + 10000,
      cacheReadTokens: 10000,
      cacheWrite5mTokens: 1000,
      cacheWrite1hTokens: 2000,
      outputTokens: 500,
    };
    const body = fixture('anthropic', 'response-cache-5m-1h.json');
    expect(parseAnthropicResponse(JSON.parse(body)).usage).toMatchObject(expected);
    expect(usageFromAnthropicBody(body)).toMatchObject(expected);
    const stream = fixture('anthropic', 'stream-cache-5m-1h.txt');
    expect(streamUsage(new AnthropicStreamDecoder(), stream)).toMatchObject(expected);
    expect(tapped(new AnthropicStreamUsageTap(), stream).usage).toMatchObject(expected);
  });

  it('Anthropic without the cache_creation split: cache_creation_input_tokens counts as 5-minute writes', () => {
    const body = fixture('anthropic', 'response-cache-legacy-creation.json');
    expect(usageFromAnthropicBody(body)).toMatchObject({
      inputTokens: 1520,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 1500,
      cacheWrite1hTokens: 0,
      outputTokens: 10,
    });
  });
});
