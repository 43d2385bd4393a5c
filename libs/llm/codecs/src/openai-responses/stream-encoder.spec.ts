import {
  GatewayError,
  makeUsage,
  type CanonicalRequest,
  type EncodeContext,
  type StreamEvent,
} from '@one-api/llm-core';
import { decodeOpenAiChatRequest } from '../openai-chat/decode-request';
import { decodeOpenAiResponsesRequest } from './decode-request';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';
import { counterIds, normalize, sseEvents, type NamedEvent } from './fixtures/normalize';
import { OpenAiResponsesStreamEncoder } from './stream-encoder';

function run(events: StreamEvent[], ctx: EncodeContext): string {
  const encoder = new OpenAiResponsesStreamEncoder(ctx, counterIds());
  return events.map((event) => encoder.encode(event)).join('') + encoder.finish();
}

function types(sse: string): string[] {
  return sseEvents(sse).map((e) => e.event);
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Every event is named by its `type` and numbered 0, 1, 2, … */
function expectWellFormed(events: NamedEvent[]): void {
  events.forEach((e, i) => {
    expect(e.data.type).toBe(e.event);
    expect(e.data.sequence_number).toBe(i);
  });
}

describe('OpenAiResponsesStreamEncoder', () => {
  it('re-creates the recorded reasoning + text stream from canonical events', () => {
    const request = decodeOpenAiResponsesRequest(fixtureJson('stream-reasoning-request.json'));
    const recorded = fixtureText('stream-reasoning-text.txt');
    const events: StreamEvent[] = [
      {
        type: 'response-start',
        id: 'resp_68b0a1f1b2c38190a6d4e5f6a7b8c9d00b1c2d3e4f5a6b7c',
        model: 'gpt-5-mini-2025-08-07',
        created: 1756400113,
      },
      ...['**Comput', 'ing the sum**\n\n', 'Two plus two', ' equals four.'].map(
        (text): StreamEvent => ({ type: 'reasoning-delta', text }),
      ),
      { type: 'reasoning-delta', text: '', signature: 'gAAAAABosKHzEnCrYpTeDrEaSoNiNgBlOb==' },
      ...['2', ' +', ' 2', ' =', ' 4', '.'].map((text): StreamEvent => ({ type: 'text-delta', text })),
      { type: 'finish', reason: 'stop', raw: 'completed' },
      {
        type: 'usage',
        usage: makeUsage({ inputTokens: 17, outputTokens: 83, reasoningTokens: 64, totalTokens: 100 }),
      },
    ];
    const sse = run(events, { request });
    const ours = sseEvents(sse);
    expectWellFormed(ours);
    expect(normalize(ours)).toEqual(normalize(sseEvents(recorded)));
    expect(sse).not.toContain('[DONE]');
    expect(
      sse.startsWith('event: response.created\ndata: {"type":"response.created","sequence_number":0,'),
    ).toBe(true);
  });

  it('re-creates the recorded parallel function-call stream, with usage after finish', () => {
    const request = decodeOpenAiResponsesRequest(fixtureJson('stream-tool-calls-request.json'));
    const recorded = fixtureText('stream-tool-calls.txt');
    const args = [
      '{"location":"Paris, France","unit":"celsius"}',
      '{"location":"Tōkyō, Japan","unit":"celsius"}',
    ];
    const events: StreamEvent[] = [
      {
        type: 'response-start',
        id: 'resp_68b0b2a4d5e68190c1f2a3b4c5d6e7f80a9b8c7d6e5f4a3b',
        model: 'gpt-4.1-2025-04-14',
        created: 1756404900,
      },
      { type: 'tool-call-start', index: 0, id: 'call_Ab3dEf6hIj9kLm2nOp5qRs8t', name: 'get_weather' },
      ...chunks(args[0], 7).map(
        (argumentsDelta): StreamEvent => ({ type: 'tool-call-delta', index: 0, argumentsDelta }),
      ),
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'call_Uv1wXy4zAb7cDe0fGh3iJk6l', name: 'get_weather' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: args[1] },
      { type: 'finish', reason: 'tool_calls', raw: 'tool_calls' },
      {
        type: 'usage',
        usage: makeUsage({ inputTokens: 326, cacheReadTokens: 256, outputTokens: 54 }),
      },
    ];
    const ours = sseEvents(run(events, { request }));
    expectWellFormed(ours);
    const recordedEvents = sseEvents(recorded);
    // Argument deltas are cut where the upstream cut them: compare them joined, and everything else event by event.
    const joinDeltas = (list: NamedEvent[]) => {
      const out: NamedEvent[] = [];
      for (const e of list) {
        const last = out[out.length - 1];
        if (
          e.event === 'response.function_call_arguments.delta' &&
          last?.event === e.event &&
          last.data.output_index === e.data.output_index
        ) {
          last.data = { ...last.data, delta: String(last.data.delta) + String(e.data.delta) };
        } else out.push({ event: e.event, data: { ...e.data, sequence_number: 0 } });
      }
      return normalize(out);
    };
    expect(joinDeltas(ours)).toEqual(joinDeltas(recordedEvents));
    const completed = ours[ours.length - 1].data.response as Record<string, unknown>;
    expect(completed.usage).toEqual({
      input_tokens: 326,
      input_tokens_details: { cached_tokens: 256 },
      output_tokens: 54,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 380,
    });
  });

  const chatRequest: CanonicalRequest = decodeOpenAiChatRequest({
    model: 'claude-sonnet-4-5',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  });

  it('opens a new message after tool calls, closes open items at finish and ends incomplete on max tokens', () => {
    const sse = run(
      [
        { type: 'response-start', id: 'msg_01XyZ', model: 'claude-sonnet-4-5-20250929', created: 1700000000 },
        { type: 'text-delta', text: '' },
        { type: 'text-delta', text: 'Let me check.' },
        { type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'get_weather' },
        { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"Paris"}' },
        { type: 'text-delta', text: 'Still here' },
        { type: 'finish', reason: 'length', raw: 'max_tokens' },
        { type: 'usage', usage: makeUsage({ inputTokens: 10, outputTokens: 20 }) },
      ],
      { request: chatRequest, model: 'claude-sonnet' },
    );
    const events = sseEvents(sse);
    expectWellFormed(events);
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.incomplete',
    ]);
    const created = events[0].data.response as Record<string, unknown>;
    expect(created).toMatchObject({
      id: 'resp_test0',
      object: 'response',
      status: 'in_progress',
      model: 'claude-sonnet',
      output: [],
      usage: null,
      store: false,
    });
    const final = events[events.length - 1].data.response as Record<string, unknown>;
    expect(final).toMatchObject({
      id: 'resp_test0',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      usage: { input_tokens: 10, output_tokens: 20, total_tokens: 30 },
    });
    expect(final.output).toEqual([
      {
        id: 'msg_test1',
        type: 'message',
        status: 'completed',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Let me check.' }],
        role: 'assistant',
      },
      {
        id: 'fc_test2',
        type: 'function_call',
        status: 'completed',
        arguments: '{"city":"Paris"}',
        call_id: 'toolu_1',
        name: 'get_weather',
      },
      {
        id: 'msg_test3',
        type: 'message',
        status: 'incomplete',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Still here' }],
        role: 'assistant',
      },
    ]);
  });

  it('streams a custom tool call as custom_tool_call_input events with the raw input', () => {
    const request = decodeOpenAiResponsesRequest(fixtureJson('codex-request.json'));
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\n';
    const args = JSON.stringify({ input: patch });
    const events = sseEvents(
      run(
        [
          { type: 'tool-call-start', index: 0, id: 'call_p', name: 'apply_patch' },
          ...chunks(args, 5).map(
            (argumentsDelta): StreamEvent => ({ type: 'tool-call-delta', index: 0, argumentsDelta }),
          ),
          { type: 'tool-call-end', index: 0 },
          { type: 'finish', reason: 'tool_calls', raw: 'tool_use' },
        ],
        { request },
      ),
    );
    expectWellFormed(events);
    expect(events.slice(2).map((e) => [e.event, e.data])).toEqual([
      [
        'response.output_item.added',
        expect.objectContaining({
          item: {
            id: 'ctc_test1',
            type: 'custom_tool_call',
            call_id: 'call_p',
            input: '',
            name: 'apply_patch',
          },
        }),
      ],
      [
        'response.custom_tool_call_input.delta',
        expect.objectContaining({ item_id: 'ctc_test1', output_index: 0, delta: patch }),
      ],
      [
        'response.custom_tool_call_input.done',
        expect.objectContaining({ item_id: 'ctc_test1', output_index: 0, input: patch }),
      ],
      [
        'response.output_item.done',
        expect.objectContaining({
          item: {
            id: 'ctc_test1',
            type: 'custom_tool_call',
            call_id: 'call_p',
            input: patch,
            name: 'apply_patch',
          },
        }),
      ],
      ['response.completed', expect.anything()],
    ]);
  });

  it('ends with response.failed carrying the error code on an upstream error', () => {
    const events = sseEvents(
      run(
        [
          { type: 'response-start', id: 'chatcmpl-1', model: 'gpt-4o', created: 1 },
          { type: 'text-delta', text: 'par' },
          {
            type: 'error',
            error: new GatewayError({ kind: 'context-length', message: 'prompt is too long' }),
          },
          { type: 'text-delta', text: 'ignored' },
        ],
        { request: chatRequest },
      ),
    );
    expectWellFormed(events);
    expect(events.map((e) => e.event).slice(-2)).toEqual(['response.output_text.delta', 'response.failed']);
    expect(events[events.length - 1].data.response).toMatchObject({
      status: 'failed',
      error: { code: 'context_length_exceeded', message: 'prompt is too long' },
    });
  });

  it('answers a stream with no events at all with created, in_progress and completed', () => {
    const encoder = new OpenAiResponsesStreamEncoder({ request: chatRequest }, counterIds());
    const sse = encoder.finish();
    expect(types(sse)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
    expect(encoder.finish()).toBe('');
    expect(encoder.encode({ type: 'text-delta', text: 'late' })).toBe('');
  });

  it('puts a reasoning signature into encrypted_content and ignores redacted reasoning and other choices', () => {
    const events = sseEvents(
      run(
        [
          { type: 'reasoning-delta', text: 'opaque', redacted: true },
          { type: 'reasoning-delta', text: 'Think', signature: 'sig-' },
          { type: 'reasoning-delta', text: '', signature: 'part2' },
          { type: 'text-delta', text: 'other', choice: 1 },
          { type: 'text-delta', text: 'Done' },
        ],
        { request: chatRequest },
      ),
    );
    const final = events[events.length - 1].data.response as { output: unknown[] };
    expect(final.output).toEqual([
      {
        id: 'rs_test1',
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'Think' }],
        encrypted_content: 'sig-part2',
      },
      expect.objectContaining({ type: 'message', content: [expect.objectContaining({ text: 'Done' })] }),
    ]);
  });
});
