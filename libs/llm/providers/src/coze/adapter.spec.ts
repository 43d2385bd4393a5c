import type { CanonicalRequest, StreamEvent } from '@one-api/llm-core';
import { adapterForChannelType } from '../registry';
import { COZE_CALLER_STREAMS_HEADER, cozeAdapter } from './adapter';
import { foldCozeStream } from './exchange';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';

const channel = {
  type: 34,
  baseUrl: 'https://api.coze.com',
  key: 'pat_abc',
  config: { user_id: 'one-api-user-42' },
};

function decode(chunks: Array<string | Uint8Array>): StreamEvent[] {
  const decoder = cozeAdapter.createStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  // the fixture's chat has no created_at: the decoder stamps now, which may tick between runs
  return events.map((event) => (event.type === 'response-start' ? { ...event, created: 0 } : event));
}

describe('Coze adapter', () => {
  it('is the adapter of channel type 34, with authorize and exchange hooks, and names its own wire format', () => {
    expect(adapterForChannelType(34)).toBe(cozeAdapter);
    expect(cozeAdapter.format).toBe('coze');
    expect(cozeAdapter.authorize).toBeInstanceOf(Function);
    expect(cozeAdapter.exchange).toBeInstanceOf(Function);
  });

  it('builds the recorded v3 chat body: bot- prefix stripped, config.user_id, image URLs as object_string', () => {
    const built = cozeAdapter.buildRequest(fixtureJson<CanonicalRequest>('canonical-request.json'), channel);
    expect(built.url).toBe('https://api.coze.com/v3/chat');
    expect(built.headers).toMatchObject({
      Authorization: 'Bearer pat_abc',
      [COZE_CALLER_STREAMS_HEADER]: 'true',
    });
    expect(JSON.parse(built.body)).toEqual(fixtureJson('chat-request.json'));
    expect(built.warnings).toEqual([
      'system instructions were sent as a user turn: a Coze bot has its own persona',
    ]);
  });

  it('always streams upstream, remembers a non-stream caller, and leaves an OAuth JWT channel to authorize', () => {
    const request: CanonicalRequest = {
      model: '7342866812345678901',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      sampling: { temperature: 0.2 },
      tools: [{ name: 'f' }],
      user: 'caller-7',
      stream: false,
    };
    const built = cozeAdapter.buildRequest(request, {
      ...channel,
      config: { auth_type: 'oauth_jwt' },
      key: '{}',
    });
    expect(JSON.parse(built.body)).toMatchObject({
      bot_id: '7342866812345678901',
      user_id: 'caller-7',
      stream: true,
    });
    expect(built.headers.Authorization).toBeUndefined();
    expect(built.headers[COZE_CALLER_STREAMS_HEADER]).toBe('false');
    expect(built.warnings).toEqual([
      'tools were dropped: Coze bots call the plugins configured on the bot',
      'sampling settings were dropped: a Coze bot uses the model settings it was configured with',
    ]);
  });

  it('decodes the recorded stream: reasoning and answer deltas only, usage from the completed chat', () => {
    expect(decode([fixtureText('stream-answer.txt')])).toEqual([
      {
        type: 'response-start',
        id: '7382159487131697202',
        model: '7379462189365198898',
        created: expect.any(Number),
      },
      { type: 'reasoning-delta', text: 'Thinking about weather…' },
      { type: 'text-delta', text: 'Il fait beau' },
      { type: 'text-delta', text: ' à Paris ☀️' },
      {
        type: 'usage',
        usage: {
          inputTokens: 614,
          cacheReadTokens: 0,
          cacheWrite5mTokens: 0,
          cacheWrite1hTokens: 0,
          outputTokens: 19,
          reasoningTokens: 0,
          totalTokens: 633,
        },
      },
      { type: 'finish', reason: 'stop', raw: 'completed' },
    ]);
  });

  it('decodes the same wherever the bytes are split', () => {
    const bytes = Buffer.from(fixtureText('stream-answer.txt'), 'utf8');
    const whole = decode([bytes]);
    for (let at = 1; at < bytes.length; at += 3)
      expect(decode([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(whole);
  });

  it('ends with the error of a failed chat, and reports a stream cut before the chat completed', () => {
    const failed = decode([fixtureText('stream-failed.txt')]);
    expect(failed.at(-1)).toMatchObject({
      type: 'error',
      error: {
        kind: 'permission',
        providerCode: '4019',
        message: 'The balance of your Coze account is insufficient.',
      },
    });
    const text = fixtureText('stream-answer.txt');
    const cut = decode([text.slice(0, text.indexOf('event:conversation.chat.completed'))]);
    expect(cut.at(-1)).toMatchObject({ type: 'error', error: { kind: 'upstream' } });
  });

  it('folds a whole stream into {chat, messages} that parseResponse reads (non-stream callers)', () => {
    const folded = foldCozeStream(fixtureText('stream-answer.txt'));
    expect(folded.error).toBeUndefined();
    const response = cozeAdapter.parseResponse({ chat: folded.chat, messages: folded.messages });
    expect(response).toMatchObject({
      id: '7382159487131697202',
      model: '7379462189365198898',
      content: [
        { type: 'reasoning', text: 'Thinking about weather…' },
        { type: 'text', text: 'Il fait beau à Paris ☀️' },
      ],
      finishReason: { reason: 'stop', raw: 'completed' },
      usage: { inputTokens: 614, outputTokens: 19, totalTokens: 633 },
    });
    expect(foldCozeStream(fixtureText('stream-failed.txt')).error).toMatchObject({ code: 4019 });
  });

  it('maps the recorded business errors by their code, whatever the HTTP status', () => {
    const auth = cozeAdapter.parseError(200, fixtureText('error-4100-invalid-token.json'));
    expect({ kind: auth.kind, status: auth.status, code: auth.providerCode }).toEqual({
      kind: 'auth',
      status: 401,
      code: '4100',
    });
    const missing = cozeAdapter.parseError(404, fixtureText('error-4200-bot-not-found.json'));
    expect({ kind: missing.kind, message: missing.message }).toEqual({
      kind: 'not-found',
      message: 'The bot 7342866812345678901 does not exist.',
    });
    expect(cozeAdapter.parseError(429, '{"code":4013,"msg":"too frequent"}').kind).toBe('rate-limit');
    expect(cozeAdapter.parseError(503, '').kind).toBe('overloaded');
  });
});
