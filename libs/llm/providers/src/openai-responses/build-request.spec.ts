import { openAiChatCodec, decodeOpenAiResponsesRequest } from '@one-api/llm-codecs';
import type { CanonicalRequest } from '@one-api/llm-core';
import { buildOpenAiResponsesBody, buildOpenAiResponsesRequest } from './build-request';
import { fixtureJson } from './fixtures/read-fixture';

const channel = {
  type: 50,
  baseUrl: 'https://llm.example.com',
  key: 'sk-up',
  config: { api_format: 'response' },
};

describe('buildOpenAiResponsesRequest', () => {
  it('rebuilds a Responses request decoded natively, field for field', () => {
    const fixture = fixtureJson('responses-request.json');
    const canonical = decodeOpenAiResponsesRequest(fixture, { mode: 'native' });
    const built = buildOpenAiResponsesRequest(canonical, channel);
    expect(built.url).toBe('https://llm.example.com/v1/responses');
    expect(built.method).toBe('POST');
    expect(built.headers).toEqual({
      'Content-Type': 'application/json',
      Accept: 'text/event-stream',
      Authorization: 'Bearer sk-up',
    });
    expect(JSON.parse(built.body)).toEqual(fixture);
    expect(built.warnings).toEqual([]);
  });

  it('converts a Chat Completions request, warning about what the Responses API cannot take', () => {
    const canonical = openAiChatCodec.decodeRequest(fixtureJson('chat-request.json'));
    const { body, warnings } = buildOpenAiResponsesBody(canonical);
    expect(body).toEqual(fixtureJson('responses-body-from-chat.json'));
    expect(warnings).toEqual([
      'stop was dropped: the Responses API does not accept it',
      'seed was dropped: the Responses API does not accept it',
    ]);
  });

  it('uses the vendor URL rules and the OpenAI default base', () => {
    const request: CanonicalRequest = {
      model: 'm',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      sampling: {},
      stream: false,
    };
    expect(buildOpenAiResponsesRequest(request, { ...channel, type: 1, baseUrl: '' }).url).toBe(
      'https://api.openai.com/v1/responses',
    );
    expect(
      buildOpenAiResponsesRequest(request, { ...channel, type: 40, baseUrl: 'https://ark.example.com/' }).url,
    ).toBe('https://ark.example.com/api/v3/responses');
    const plain = buildOpenAiResponsesRequest(request, { ...channel, key: '' });
    expect(plain.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(plain.body)).toEqual({
      model: 'm',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      store: false,
    });
  });

  it('maps system messages, reasoning budgets, tool images and cache hints', () => {
    const request: CanonicalRequest = {
      model: 'o4-mini',
      system: [
        { type: 'text', text: 'A', cacheControl: { type: 'ephemeral' } },
        { type: 'text', text: 'B' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'audio', data: 'UklG', format: 'wav' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'hmm', signature: 'sig' },
            { type: 'text', text: 'one' },
            { type: 'text', text: ' two' },
            { type: 'tool-call', id: 'toolu_1', name: 'shot', arguments: '{}' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'toolu_1',
              content: [
                { type: 'text', text: 'here' },
                { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } },
              ],
            },
          ],
        },
        { role: 'system', content: [{ type: 'text', text: 'Be short.' }] },
      ],
      tools: [{ name: 'shot' }],
      toolChoice: { type: 'tool', name: 'shot' },
      sampling: { topK: 3 },
      reasoning: { budgetTokens: 4000 },
      responseFormat: { type: 'json_schema', name: 'x' },
      stream: false,
    };
    const { body, warnings } = buildOpenAiResponsesBody(request);
    expect(body).toEqual({
      model: 'o4-mini',
      instructions: 'A',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'B' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'one two' }] },
        { type: 'function_call', call_id: 'toolu_1', name: 'shot', arguments: '{}' },
        {
          type: 'function_call_output',
          call_id: 'toolu_1',
          output: [
            { type: 'input_text', text: 'here' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBO', detail: 'auto' },
          ],
        },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Be short.' }] },
      ],
      tools: [
        { type: 'function', name: 'shot', parameters: { type: 'object', properties: {} }, strict: false },
      ],
      tool_choice: { type: 'function', name: 'shot' },
      text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' } } },
      reasoning: { effort: 'medium' },
      store: false,
    });
    expect(warnings).toEqual([
      'cache_control hints were dropped: the Responses API caches prompts by itself',
      'audio input was dropped: the Responses API takes no audio parts',
      'the reasoning budget of 4000 tokens was sent as reasoning effort "medium"',
      'top_k was dropped: the Responses API does not accept it',
    ]);
  });

  it('passes the extra fields and hosted tools of a Responses request through', () => {
    const canonical = decodeOpenAiResponsesRequest(
      {
        model: 'gpt-4.1',
        input: 'search',
        tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }],
        include: ['web_search_call.action.sources'],
        previous_response_id: 'resp_1',
        store: true,
      },
      { mode: 'native' },
    );
    expect(buildOpenAiResponsesBody(canonical).body).toEqual({
      model: 'gpt-4.1',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'search' }] }],
      tools: [
        { type: 'function', name: 'f', parameters: { type: 'object', properties: {} }, strict: false },
        { type: 'web_search' },
      ],
      include: ['web_search_call.action.sources'],
      previous_response_id: 'resp_1',
      store: true,
    });
  });
});
