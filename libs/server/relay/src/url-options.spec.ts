import type { CanonicalRequest } from '@one-api/llm-core';
import { applyThinking, needsConversion, readUrlOptions } from './url-options';

const request = { model: 'm', system: [], messages: [], sampling: {}, stream: false } as CanonicalRequest;

describe('URL options', () => {
  it('reads thinking and reasoning_format', () => {
    expect(readUrlOptions({ thinking: 'true' })).toEqual({ thinking: true });
    expect(readUrlOptions({ thinking: 'OFF' })).toEqual({ thinking: false });
    expect(readUrlOptions({ thinking: 'maybe' })).toEqual({});
    expect(readUrlOptions({ reasoning_format: 'reasoning' })).toEqual({ reasoningFormat: 'reasoning' });
    expect(readUrlOptions({ reasoning_format: 'xml' })).toEqual({});
    expect(needsConversion({})).toBe(false);
    expect(needsConversion({ reasoningFormat: 'thinking' })).toBe(true);
  });

  it('turns reasoning on with a default budget, or off, and keeps the caller settings', () => {
    expect(applyThinking(request, { thinking: true }).reasoning).toEqual({
      enabled: true,
      budgetTokens: 1024,
    });
    expect(
      applyThinking({ ...request, reasoning: { effort: 'high' } }, { thinking: true }).reasoning,
    ).toEqual({
      enabled: true,
      effort: 'high',
    });
    expect(applyThinking(request, { thinking: false }).reasoning).toEqual({ enabled: false });
    expect(applyThinking(request, {})).toBe(request);
  });
});
