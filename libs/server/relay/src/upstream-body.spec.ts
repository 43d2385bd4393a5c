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

  describe('on Azure channels (type 3)', () => {
    const azure = (config: Record<string, unknown> | null, other?: string) =>
      channel({ type: 3, config: config ? JSON.stringify(config) : null, other } as Partial<Channel>);
    const streamed = { ...body, stream_options: { include_usage: true } };

    it("sends no stream_options before api-version 2024-09-01-preview, not even the caller's", () => {
      for (const ch of [
        azure(null),
        azure({ api_version: '2024-03-01-preview' }),
        azure(null, '2024-06-01'),
      ]) {
        const forced = prepareOpenAiBody(body, 'gpt-4o', ch, { chat: true, stream: true, forceUsage: true });
        expect(forced.body).not.toHaveProperty('stream_options');
        expect(forced.forcedUsage).toBe(false);
        const asked = prepareOpenAiBody(streamed, 'gpt-4o', ch, {
          chat: false,
          stream: true,
          forceUsage: true,
        });
        expect(asked.body).not.toHaveProperty('stream_options');
      }
    });

    it('forces include_usage from 2024-09-01-preview on', () => {
      for (const ch of [azure({ api_version: '2024-09-01-preview' }), azure(null, '2024-10-21')]) {
        const out = prepareOpenAiBody(body, 'gpt-4o', ch, { chat: true, stream: true, forceUsage: true });
        expect(out.body.stream_options).toEqual({ include_usage: true });
        expect(out.forcedUsage).toBe(true);
      }
    });
  });
});
