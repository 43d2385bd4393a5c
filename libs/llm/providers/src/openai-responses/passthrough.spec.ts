import { responsesPassthroughBody, responsesToolChoice } from './passthrough';

describe('Responses passthrough body', () => {
  it('spells a forced tool the Responses way', () => {
    expect(responsesToolChoice({ type: 'tool', name: 'get_weather' })).toEqual({
      type: 'function',
      name: 'get_weather',
    });
    expect(responsesToolChoice({ type: 'function', function: { name: 'get_weather' } })).toEqual({
      type: 'function',
      name: 'get_weather',
    });
    for (const kept of [
      'auto',
      'required',
      { type: 'function', name: 'f' },
      { type: 'file_search' },
      undefined,
    ])
      expect(responsesToolChoice(kept)).toBe(kept);
  });

  it('maps the model and the tool choice, keeping every other field; the same object when nothing changes', () => {
    const payload = { model: 'alias', input: 'hi', tools: [{ type: 'function', name: 'f' }], store: false };
    expect(responsesPassthroughBody(payload, 'alias')).toBe(payload);
    expect(responsesPassthroughBody(payload, 'gpt-4.1')).toEqual({ ...payload, model: 'gpt-4.1' });
    const forced = { ...payload, tool_choice: { type: 'tool', name: 'f' } };
    expect(responsesPassthroughBody(forced, 'alias')).toEqual({
      ...payload,
      tool_choice: { type: 'function', name: 'f' },
    });
    expect(forced.tool_choice).toEqual({ type: 'tool', name: 'f' });
  });
});
