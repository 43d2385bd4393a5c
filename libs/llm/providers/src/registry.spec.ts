import { adapterForChannelType } from './registry';
import { openAiAdapter } from './openai/adapter';
import { geminiAdapter } from './gemini/adapter';

describe('adapterForChannelType', () => {
  it('returns the OpenAI adapter for OpenAI-compatible types and nothing for native protocols', () => {
    for (const type of [1, 3, 8, 20, 36, 40, 49, 50, 57])
      expect(adapterForChannelType(type)).toBe(openAiAdapter);
    expect(adapterForChannelType(999)).toBeUndefined();
    // Vertex AI without a model: Gemini (adapterForChannel picks Claude's endpoint by model)
    expect(adapterForChannelType(42)?.format).toBe('vertex-gemini');
  });

  it('returns the Gemini adapter for Gemini channels (type 24)', () => {
    expect(adapterForChannelType(24)).toBe(geminiAdapter);
    expect(geminiAdapter.format).toBe('gemini');
  });

  it('returns the native adapters of Ollama (30), Coze (34), Cohere (35) and Replicate (46)', () => {
    expect([30, 34, 35, 46].map((type) => adapterForChannelType(type)?.format)).toEqual([
      'ollama',
      'coze',
      'cohere',
      'replicate',
    ]);
  });
});
