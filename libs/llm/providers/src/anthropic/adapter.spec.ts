import { adapterForChannelType } from '../registry';
import { anthropicAdapter, createAnthropicAdapter } from './adapter';

describe('Anthropic adapter registration', () => {
  it('serves channel types 14 (Anthropic) and 52 (ClaudeCompatible) with format anthropic-messages', () => {
    expect(adapterForChannelType(14)).toBe(anthropicAdapter);
    expect(adapterForChannelType(52)).toBe(anthropicAdapter);
    expect(anthropicAdapter.format).toBe('anthropic-messages');
    expect(createAnthropicAdapter({ defaultMaxTokens: 1 }).format).toBe('anthropic-messages');
  });
});
