/**
 * Azure OpenAI's recorded answers through the OpenAI adapter: the content-filter annotations Azure adds to answers
 * and streams (including its first chunk with no choices) are ignored, and its error bodies are mapped.
 */
import type { StreamEvent } from '@one-api/llm-core';
import { openAiAdapter } from './adapter';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

describe('Azure OpenAI fixtures through the OpenAI adapter', () => {
  it('parses a chat answer carrying prompt and content filter results', () => {
    const response = openAiAdapter.parseResponse(fixtureJson('azure-chat-response.json'));
    expect(response.content).toEqual([{ type: 'text', text: 'Paris is the capital of France.' }]);
    expect(response.finishReason).toMatchObject({ reason: 'stop' });
    expect(response.usage).toMatchObject({ inputTokens: 14, outputTokens: 8 });
  });

  it('decodes a stream that opens with a prompt_filter_results chunk', () => {
    const decoder = openAiAdapter.createStreamDecoder();
    const text = fixtureText('azure-chat-stream.txt');
    const events: StreamEvent[] = [];
    for (let i = 0; i < text.length; i += 53) events.push(...decoder.push(text.slice(i, i + 53)));
    events.push(...decoder.end());
    expect(events.some((e) => e.type === 'error')).toBe(false);
    expect(events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('')).toBe('Paris');
    expect(events.find((e) => e.type === 'usage')).toMatchObject({
      usage: { inputTokens: 14, outputTokens: 2 },
    });
    expect(events.find((e) => e.type === 'finish')).toMatchObject({ reason: 'stop' });
  });

  it("maps Azure's error bodies", () => {
    const filtered = openAiAdapter.parseError(400, fixtureText('azure-error-400-content-filter.json'));
    expect(filtered).toMatchObject({ kind: 'invalid-request', status: 400, providerCode: 'content_filter' });
    const limited = openAiAdapter.parseError(429, fixtureText('azure-error-429-token-rate-limit.json'), {
      'retry-after': '6',
    });
    expect(limited).toMatchObject({ kind: 'rate-limit', retryable: true, retryAfterMs: 6000 });
    const missing = openAiAdapter.parseError(404, fixtureText('azure-error-404-deployment-not-found.json'));
    expect(missing).toMatchObject({ kind: 'not-found', providerCode: 'DeploymentNotFound' });
    expect(missing.message).toContain('The API deployment for this resource does not exist');
  });
});
