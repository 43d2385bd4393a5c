import type { StreamEvent } from '@one-api/llm-core';
import { fixtureText } from './fixtures/read-fixture';
import { OpenAiResponsesStreamDecoder } from './stream-decoder';

function decode(chunks: Array<string | Uint8Array>): StreamEvent[] {
  const decoder = new OpenAiResponsesStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events;
}

function sse(...events: Array<Record<string, unknown>>): string {
  return events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join('');
}

const created = {
  type: 'response.created',
  response: { id: 'resp_1', model: 'm', created_at: 9, service_tier: 'auto' },
};
const completed = (extra: Record<string, unknown> = {}) => ({
  type: 'response.completed',
  response: {
    id: 'resp_1',
    status: 'completed',
    usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    ...extra,
  },
});

/** Consecutive deltas of one kind joined, so tests do not depend on where the upstream cut them. */
function merged(events: StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.type === 'reasoning-delta' && last?.type === 'reasoning-delta' && !e.signature && !last.signature) {
      out[out.length - 1] = { ...last, text: last.text + e.text };
    } else if (e.type === 'text-delta' && last?.type === 'text-delta') {
      out[out.length - 1] = { ...last, text: last.text + e.text };
    } else if (e.type === 'tool-call-delta' && last?.type === 'tool-call-delta' && last.index === e.index) {
      out[out.length - 1] = { ...last, argumentsDelta: last.argumentsDelta + e.argumentsDelta };
    } else out.push(e);
  }
  return out;
}

describe('OpenAiResponsesStreamDecoder', () => {
  it('decodes the recorded Codex stream: reasoning summaries, a custom tool call and a function call', () => {
    expect(merged(decode([fixtureText('stream-custom.txt')]))).toEqual([
      {
        type: 'response-start',
        id: 'resp_68c1d2e3f4a58190b6c7d8e9f0a1b2c30d4e5f6a7b8c9d0e',
        model: 'gpt-5-codex',
        created: 1757500000,
      },
      {
        type: 'reasoning-delta',
        text: '**Planning the edit**\n\nI need a new file.\n\n**Checking**\n\nThen list it.',
      },
      { type: 'reasoning-delta', text: '', signature: 'gAAAAABoxCoDeXeNcRyPtEd==' },
      { type: 'tool-call-start', index: 0, id: 'call_Cu5tOmP4tCh0000000000001', name: 'apply_patch' },
      {
        type: 'tool-call-delta',
        index: 0,
        argumentsDelta: JSON.stringify({
          input: '*** Begin Patch\n*** Add File: notes/"todo".md\n+- ship it \u2705\n*** End Patch\n',
        }),
      },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'call_Sh3llLs00000000000000002', name: 'shell' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"command":["ls","notes"]}' },
      { type: 'tool-call-end', index: 1 },
      {
        type: 'usage',
        usage: {
          inputTokens: 5210,
          cacheReadTokens: 4864,
          cacheWrite5mTokens: 0,
          cacheWrite1hTokens: 0,
          outputTokens: 311,
          reasoningTokens: 192,
          totalTokens: 5521,
        },
      },
      { type: 'finish', reason: 'tool_calls', raw: 'completed' },
    ]);
  });

  it('decodes the recorded incomplete stream as a length finish', () => {
    const events = merged(decode([fixtureText('stream-incomplete.txt')]));
    expect(events.slice(1)).toEqual([
      { type: 'text-delta', text: 'Once upon a time, in a land far' },
      { type: 'usage', usage: expect.objectContaining({ inputTokens: 12, outputTokens: 16 }) },
      { type: 'finish', reason: 'length', raw: 'max_output_tokens' },
    ]);
  });

  it('turns response.failed into an error event and ignores what follows', () => {
    const events = decode([
      fixtureText('stream-failed.txt'),
      sse({ type: 'response.output_text.delta', delta: 'late' }),
    ]);
    expect(events.map((e) => e.type)).toEqual(['response-start', 'error']);
    const error = events[1].type === 'error' ? events[1].error : undefined;
    expect(error).toMatchObject({ kind: 'rate-limit', providerCode: 'rate_limit_exceeded', retryable: true });
  });

  it.each(['stream-custom.txt', 'stream-incomplete.txt', 'stream-failed.txt'])(
    '%s: split at every byte offset yields the same events',
    (name) => {
      const bytes = Buffer.from(fixtureText(name), 'utf8');
      const expected = decode([bytes]);
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
      }
      expect(decode([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(expected);
    },
  );

  it('ends with an error when the stream stops before a terminal event', () => {
    const events = decode([
      sse(created, { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, delta: 'Hi' }),
    ]);
    expect(events.map((e) => e.type)).toEqual(['response-start', 'text-delta', 'error']);
    expect(events[2]).toMatchObject({
      error: { kind: 'upstream', message: 'upstream stream ended before the response was complete' },
    });
  });

  it('reads items a vendor sends without deltas from output_item.done, and closes calls left open', () => {
    const events = decode([
      sse(
        created,
        {
          type: 'response.output_item.added',
          output_index: 0,
          item: { id: 'rs_1', type: 'reasoning', summary: [] },
        },
        {
          type: 'response.output_item.done',
          output_index: 0,
          item: { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'why' }] },
        },
        {
          type: 'response.output_item.done',
          output_index: 1,
          item: { id: 'msg_1', type: 'message', content: [{ type: 'output_text', text: 'Hello' }] },
        },
        {
          type: 'response.output_item.added',
          output_index: 2,
          item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '' },
        },
        {
          type: 'response.function_call_arguments.done',
          item_id: 'fc_1',
          output_index: 2,
          arguments: '{"a":1}',
        },
        completed(),
      ),
    ]);
    expect(events).toEqual([
      { type: 'response-start', id: 'resp_1', model: 'm', created: 9 },
      { type: 'reasoning-delta', text: 'why' },
      { type: 'text-delta', text: 'Hello' },
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a":1}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'usage', usage: expect.objectContaining({ inputTokens: 3, outputTokens: 2 }) },
      { type: 'finish', reason: 'tool_calls', raw: 'completed' },
    ]);
  });

  it('reads reasoning_text deltas, refusals, error events, [DONE] and data-only events', () => {
    const dataOnly = [
      created,
      {
        type: 'response.reasoning_text.delta',
        item_id: 'rs_1',
        output_index: 0,
        content_index: 0,
        delta: 'think',
      },
      {
        type: 'response.reasoning_summary_text.delta',
        item_id: 'rs_1',
        output_index: 0,
        summary_index: 0,
        delta: 'dup',
      },
      { type: 'response.refusal.delta', item_id: 'msg_1', output_index: 1, content_index: 0, delta: 'No.' },
      completed({ service_tier: 'flex' }),
    ]
      .map((e) => `data: ${JSON.stringify(e)}\n\n`)
      .join('');
    expect(
      decode([dataOnly + 'data: [DONE]\n\n']).map((e) => e.type + ('text' in e ? `:${e.text}` : '')),
    ).toEqual(['response-start', 'reasoning-delta:think', 'text-delta:No.', 'usage', 'finish']);
    const failed = decode([
      sse(created, { type: 'error', code: 'server_error', message: 'boom', param: null }),
    ]);
    expect(failed[1]).toMatchObject({
      type: 'error',
      error: { kind: 'upstream', message: 'boom', providerCode: 'server_error' },
    });
    const malformed = decode(['data: {oops\n\n']);
    expect(malformed).toEqual([
      { type: 'error', error: expect.objectContaining({ message: 'upstream sent malformed stream data' }) },
    ]);
  });
});
