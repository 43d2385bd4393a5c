import type { Channel } from '@one-api/server-db';
import { prepareOpenAiBody } from './upstream-body';

const channel = (over: Partial<Channel> = {}): Channel =>
  ({ modelMapping: '', systemPrompt: null, ...over }) as Channel;

describe('prepareOpenAiBody', () => {
  const body = {
    model: 'gpt-alias',
    messages: [{ role: 'user', content: 'hi' }],
    temperature: 0.2,
    stream: true,
  };

  it('maps the model and keeps every other field', () => {
    const out = prepareOpenAiBody(
      body,
      'gpt-alias',
      channel({ modelMapping: '{"gpt-alias":"gpt-4o-mini"}' }),
      {
        chat: true,
        stream: false,
        forceUsage: false,
      },
    );
    expect(out.body).toEqual({ ...body, model: 'gpt-4o-mini' });
    expect(out.upstreamModel).toBe('gpt-4o-mini');
  });

  it('forces include_usage on streams and says so', () => {
    const out = prepareOpenAiBody(body, 'gpt-alias', channel(), {
      chat: true,
      stream: true,
      forceUsage: true,
    });
    expect(out.body.stream_options).toEqual({ include_usage: true });
    expect(out.forcedUsage).toBe(true);
    const asked = prepareOpenAiBody(
      { ...body, stream_options: { include_usage: true } },
      'gpt-alias',
      channel(),
      {
        chat: true,
        stream: true,
        forceUsage: true,
      },
    );
    expect(asked.forcedUsage).toBe(false);
  });

  it('replaces an existing system message or prepends one', () => {
    const replaced = prepareOpenAiBody(
      {
        ...body,
        messages: [
          { role: 'system', content: 'old' },
          { role: 'user', content: 'hi' },
        ],
      },
      'm',
      channel({ systemPrompt: 'be brief' }),
      { chat: true, stream: false, forceUsage: false },
    );
    expect(replaced.body.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
    expect(replaced.systemPromptReset).toBe(true);
    const prepended = prepareOpenAiBody(body, 'm', channel({ systemPrompt: 'be brief' }), {
      chat: true,
      stream: false,
      forceUsage: false,
    });
    expect((prepended.body.messages as unknown[])[0]).toEqual({ role: 'system', content: 'be brief' });
    expect(prepended.systemPromptReset).toBe(false);
  });

  it('ignores a broken mapping', () => {
    expect(
      prepareOpenAiBody(body, 'gpt-alias', channel({ modelMapping: '{oops' }), {
        chat: true,
        stream: false,
        forceUsage: false,
      }).upstreamModel,
    ).toBe('gpt-alias');
  });
});
