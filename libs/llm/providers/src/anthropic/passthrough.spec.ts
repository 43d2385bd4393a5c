import { GatewayError } from '@one-api/llm-core';
import { fixtureText } from './fixtures/read-fixture';
import {
  anthropicPassthroughRequest,
  replaceTopLevelModel,
  stripUnsignedThinking,
  topLevelStringRanges,
} from './passthrough';

const target = { channelType: 14, baseUrl: '', key: 'sk-ant-upstream' };

describe('anthropicPassthroughRequest', () => {
  it('keeps every byte of the Claude Code request and sends the caller headers', () => {
    const raw = fixtureText('claude-code-request.json');
    const call = anthropicPassthroughRequest(raw, {
      ...target,
      callerHeaders: { version: '2023-06-01', beta: 'claude-code-20250219,interleaved-thinking-2025-05-14' },
    });
    expect(call.body).toBe(raw);
    expect(call).toMatchObject({
      url: 'https://api.anthropic.com/v1/messages',
      method: 'POST',
      upstreamModel: 'claude-sonnet-4-5-20250929',
      modelReplaced: false,
      reserialized: false,
      strippedThinkingBlocks: 0,
    });
    expect(call.headers).toEqual({
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
      'x-api-key': 'sk-ant-upstream',
    });
  });

  it("leaves a caller's temperature and top_p alone, even for models that refuse the pair", () => {
    const raw =
      '{"model":"claude-haiku-4-5","max_tokens":64,"temperature":0.7,"top_p":0.9,' +
      '"messages":[{"role":"user","content":"hi"}]}';
    const call = anthropicPassthroughRequest(raw, { ...target, model: 'claude-sonnet-4-5' });
    expect(call.body).toBe(raw.replace('"claude-haiku-4-5"', '"claude-sonnet-4-5"'));
  });

  it('replaces only the top-level model value when the model is mapped', () => {
    const raw = fixtureText('claude-code-request.json');
    const call = anthropicPassthroughRequest(raw, { ...target, model: 'claude-opus-4-7' });
    expect(call.modelReplaced).toBe(true);
    expect(call.reserialized).toBe(false);
    expect(call.body).toBe(
      raw.replace('"model": "claude-sonnet-4-5-20250929"', '"model": "claude-opus-4-7"'),
    );
    expect(JSON.parse(call.body).model).toBe('claude-opus-4-7');
  });

  it('never touches a "model" inside nested values, and keeps whitespace and unicode', () => {
    const raw =
      '{ "messages" : [{"role":"user","content":"{\\"model\\": \\"x\\"} é 😀","model":"nested"}],\n' +
      '  "metadata": {"model": "inner"}, "model" :\t"claude-a" , "max_tokens": 5 }';
    expect(topLevelStringRanges(raw, 'model')).toHaveLength(1);
    const replaced = replaceTopLevelModel(raw, 'claude-"b"');
    expect(replaced).toBe(raw.replace('"claude-a"', '"claude-\\"b\\""'));
    expect(JSON.parse(replaced as string)).toMatchObject({
      model: 'claude-"b"',
      metadata: { model: 'inner' },
      messages: [{ model: 'nested' }],
    });
    expect(topLevelStringRanges('{"a":1', 'model')).toBeUndefined();
    expect(topLevelStringRanges('[1]', 'model')).toBeUndefined();
    expect(topLevelStringRanges('{"model":"x"} trailing', 'model')).toBeUndefined();
  });

  it('removes thinking blocks without a signature (re-serialising) and keeps signed ones', () => {
    const raw = JSON.stringify({
      model: 'claude-a',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'from another provider', signature: '' },
            { type: 'thinking', thinking: 'no signature at all' },
            { type: 'thinking', thinking: 'signed', signature: 'EqQB' },
            { type: 'text', text: 'a' },
          ],
        },
        { role: 'user', content: 'again' },
      ],
    });
    const call = anthropicPassthroughRequest(raw, { ...target, model: 'claude-b' });
    expect(call.reserialized).toBe(true);
    expect(call.strippedThinkingBlocks).toBe(2);
    const body = JSON.parse(call.body);
    expect(body.model).toBe('claude-b');
    expect(body.messages[1].content).toEqual([
      { type: 'thinking', thinking: 'signed', signature: 'EqQB' },
      { type: 'text', text: 'a' },
    ]);
    // signed thinking alone keeps the bytes
    const signed = JSON.stringify({
      model: 'claude-a',
      messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }] }],
    });
    expect(anthropicPassthroughRequest(signed, target).body).toBe(signed);
    expect(stripUnsignedThinking({ messages: 'x' })).toBe(0);
    const onlyThinking = {
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: '' }] },
        { role: 'user', content: 'b' },
      ],
    };
    expect(stripUnsignedThinking(onlyThinking)).toBe(1);
    expect(onlyThinking.messages).toEqual([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ]);
  });

  it('targets count_tokens, a ClaudeCompatible base URL, and rejects bodies that are not objects', () => {
    expect(
      anthropicPassthroughRequest('{"model":"m","messages":[]}', {
        channelType: 52,
        baseUrl: 'https://claude.example.com',
        key: 'k',
        endpoint: 'count_tokens',
      }).url,
    ).toBe('https://claude.example.com/v1/messages/count_tokens');
    expect(() => anthropicPassthroughRequest('[]', target)).toThrow(GatewayError);
    expect(() => anthropicPassthroughRequest('{"messages":[]}', target)).toThrow('model: Field required');
    const added = anthropicPassthroughRequest('{"messages":[]}', { ...target, model: 'm2' });
    expect(JSON.parse(added.body)).toEqual({ messages: [], model: 'm2' });
    expect(added.reserialized).toBe(true);
  });
});
