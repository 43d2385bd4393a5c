import { OpenAiUsageTap } from '@one-api/llm-providers';
import { StreamForwarder } from './stream-forwarder';

const chunk = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const STREAM =
  chunk({
    id: 'c1',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: { role: 'assistant', content: '' } }],
  }) +
  chunk({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hel' } }] }) +
  chunk({
    id: 'c1',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }],
  }) +
  chunk({
    id: 'c1',
    object: 'chat.completion.chunk',
    choices: [],
    usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
  }) +
  'data: [DONE]\n\n';

function run(tap: StreamForwarder, splitEvery: number): string {
  const bytes = Buffer.from(STREAM);
  let out = '';
  for (let i = 0; i < bytes.length; i += splitEvery)
    out += tap.push(bytes.subarray(i, i + splitEvery)).toString();
  return out + tap.finish();
}

describe('StreamForwarder', () => {
  it.each([1, 7, 64, 10000])('passes bytes unchanged and finds usage (chunks of %i bytes)', (size) => {
    const tap = new StreamForwarder(new OpenAiUsageTap({ collectCompletion: true }), false);
    expect(run(tap, size)).toBe(STREAM);
    expect(tap.usage).toMatchObject({ inputTokens: 9, outputTokens: 2 });
    expect(tap.streamedText).toBe('Hello');
  });

  it.each([1, 13, 10000])(
    'removes the usage-only chunk the client did not ask for (chunks of %i bytes)',
    (size) => {
      const tap = new StreamForwarder(new OpenAiUsageTap({ collectCompletion: true }), true);
      const out = run(tap, size);
      expect(out).not.toContain('"usage"');
      expect(out).toContain('"content":"Hel"');
      expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
      expect(tap.usage).toMatchObject({ inputTokens: 9, outputTokens: 2 });
    },
  );
});
