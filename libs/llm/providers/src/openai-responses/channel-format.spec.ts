import { adapterForChannel, adapterForChannelType } from '../registry';
import { openAiAdapter } from '../openai/adapter';
import { openAiResponsesAdapter } from './adapter';
import { speaksResponsesApi } from './channel-format';

describe('adapterForChannel', () => {
  it('chooses the Responses adapter for OpenAI-compatible channels configured with api_format "response"', () => {
    expect(adapterForChannel(50, { api_format: 'response' })).toBe(openAiResponsesAdapter);
    expect(adapterForChannel(1, { api_format: 'response' })).toBe(openAiResponsesAdapter);
    expect(adapterForChannel(50, { api_format: ' Responses ' })).toBe(openAiResponsesAdapter);
    expect(openAiResponsesAdapter.format).toBe('openai-responses');
  });

  it('falls back to the channel type otherwise', () => {
    expect(adapterForChannel(50, {})).toBe(openAiAdapter);
    expect(adapterForChannel(50)).toBe(openAiAdapter);
    expect(adapterForChannel(1, { api_format: 'chat' })).toBe(openAiAdapter);
    expect(adapterForChannel(24, { api_format: 'response' })).toBe(adapterForChannelType(24));
    expect(adapterForChannel(9999, { api_format: 'response' })).toBeUndefined();
    expect(speaksResponsesApi(14, { api_format: 'response' })).toBe(false);
    expect(speaksResponsesApi(50, { api_format: 1 })).toBe(false);
  });
});
