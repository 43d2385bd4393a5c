import { GatewayError } from '@one-api/llm-core';
import { fixtureJson } from './fixtures/read-fixture';
import { vertexGeminiAdapter } from '../vertex/gemini-adapter';
import { parseGeminiResponse } from './parse-response';

describe('parseGeminiResponse', () => {
  it('reads thoughts, signed function calls with generated ids, tool_calls finish and usage with thoughts and cache', () => {
    const response = parseGeminiResponse(fixtureJson('response-function-call.json'));
    expect(response).toMatchObject({
      id: 'mZ9kaL6tB9fDz7IPi7i3wAk',
      model: 'gemini-2.5-flash',
      finishReason: { reason: 'tool_calls', raw: 'STOP' },
      usage: {
        inputTokens: 212,
        cacheReadTokens: 128,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 0,
        outputTokens: 157,
        reasoningTokens: 111,
        totalTokens: 369,
      },
    });
    expect(response.content).toEqual([
      {
        type: 'reasoning',
        text: '**Locating the cities**\n\nThe user wants the weather in Boston and Tokyo, so I will call the weather tool for both.',
      },
      {
        type: 'reasoning',
        text: '',
        signature: 'gemini:CpcCAdHtim9kLq3wFAbo0mq2xUjLkP7QpEo1oRzY3cd8ZbXlVt0mW9Bt5kE4XgNh2s9r',
      },
      {
        type: 'tool-call',
        id: expect.stringMatching(/^call_[A-Za-z0-9]{24}$/),
        name: 'get_current_weather',
        arguments: '{"location":"Boston, MA","unit":"celsius"}',
      },
      {
        type: 'tool-call',
        id: expect.stringMatching(/^call_[A-Za-z0-9]{24}$/),
        name: 'get_current_weather',
        arguments: '{"location":"Tokyo, JP","unit":"celsius"}',
      },
    ]);
    const [, , first, second] = response.content as Array<{ id: string }>;
    expect(first.id).not.toBe(second.id);
  });

  it('joins text parts and leaves out the optional signature on plain text', () => {
    const response = parseGeminiResponse(fixtureJson('response-text.json'));
    expect(response.content).toEqual([
      { type: 'text', text: 'It is **22 °C** and sunny in Madison, WI. Enjoy the boardwalk!' },
    ]);
    expect(response.finishReason).toEqual({ reason: 'stop', raw: 'STOP' });
    expect(response.usage).toEqual({
      inputTokens: 48,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 17,
      reasoningTokens: 0,
      totalTokens: 65,
    });
    expect(response.extraChoices).toBeUndefined();
  });

  it('answers a blocked prompt with an empty content_filter response', () => {
    const response = parseGeminiResponse(fixtureJson('response-blocked-prompt.json'));
    expect(response.content).toEqual([]);
    expect(response.finishReason).toEqual({ reason: 'content_filter', raw: 'PROHIBITED_CONTENT' });
    expect(response.usage?.inputTokens).toBe(9);
  });

  it('maps finish reasons, keeps Gemini function call ids and extra candidates', () => {
    const response = parseGeminiResponse({
      candidates: [
        { index: 1, content: { role: 'model', parts: [{ text: 'B' }] }, finishReason: 'MAX_TOKENS' },
        {
          index: 0,
          content: { role: 'model', parts: [{ functionCall: { id: 'fc-1', name: 'f' } }] },
          finishReason: 'STOP',
        },
        { index: 2, content: { role: 'model', parts: [] }, finishReason: 'SAFETY' },
        { index: 3, content: { role: 'model', parts: [] }, finishReason: 'MALFORMED_FUNCTION_CALL' },
        { index: 4, content: { role: 'model', parts: [{ text: 'x' }] }, finishReason: 'RECITATION' },
        { index: 5, finishReason: 'OTHER' },
      ],
    });
    expect(response.content).toEqual([{ type: 'tool-call', id: 'fc-1', name: 'f', arguments: '{}' }]);
    expect(response.finishReason).toEqual({ reason: 'tool_calls', raw: 'STOP' });
    expect(response.id).toMatch(/^gen-/);
    expect(response.usage).toBeUndefined();
    expect(response.extraChoices?.map((c) => [c.index, c.finishReason.reason, c.finishReason.raw])).toEqual([
      [1, 'length', 'MAX_TOKENS'],
      [2, 'content_filter', 'SAFETY'],
      [3, 'error', 'MALFORMED_FUNCTION_CALL'],
      [4, 'content_filter', 'RECITATION'],
      [5, 'other', 'OTHER'],
    ]);
  });

  it('throws the Google error of a 200 body carrying one, and on bodies without candidates', () => {
    const error = (() => {
      try {
        parseGeminiResponse([fixtureJson('error-503-unavailable.json')]);
      } catch (e) {
        return e as GatewayError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'overloaded', providerCode: 'UNAVAILABLE' });
    expect(() => parseGeminiResponse({ modelVersion: 'x' })).toThrow(/without candidates/);
    expect(() => parseGeminiResponse('nope')).toThrow(/not a JSON object/);
  });

  describe('image output (gemini-2.5-flash-image asked for IMAGE)', () => {
    it('reads inlineData images as generated images, after the text, with image tokens in the output', () => {
      const response = parseGeminiResponse(fixtureJson('response-image.json'));
      expect(response.content).toEqual([
        { type: 'text', text: 'A lighthouse on a cliff at dusk:' },
        { type: 'generated-image', mediaType: 'image/png', data: PNG },
      ]);
      expect(response).toMatchObject({
        model: 'gemini-2.5-flash-image',
        finishReason: { reason: 'stop', raw: 'STOP' },
        usage: { inputTokens: 11, outputTokens: 1298 },
      });
    });

    it('does the same through the Vertex AI Gemini adapter', () => {
      expect(vertexGeminiAdapter.parseResponse(fixtureJson('response-image.json')).content).toContainEqual({
        type: 'generated-image',
        mediaType: 'image/png',
        data: PNG,
      });
    });

    it('skips the interim images of thoughts, non-image inline data and empty blobs', () => {
      const response = parseGeminiResponse({
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { thought: true, inlineData: { mimeType: 'image/png', data: PNG } },
                { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
                { inlineData: { mimeType: 'image/png', data: '' } },
                { inline_data: { mime_type: 'image/webp', data: 'UklGRk' } },
              ],
            },
            finishReason: 'STOP',
          },
        ],
      });
      expect(response.content).toEqual([
        { type: 'generated-image', mediaType: 'image/webp', data: 'UklGRk' },
      ]);
    });
  });
});

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
