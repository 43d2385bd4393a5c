/**
 * Replays the recorded Responses wire fixtures through the Responses adapter and the Responses codec:
 * upstream stream / body → canonical → client stream / body must give the recording back (ids renamed; what the
 * canonical model does not keep — `obfuscation` padding, the split of a reasoning summary into parts — aside).
 */
import {
  decodeOpenAiResponsesRequest,
  OpenAiResponsesStreamEncoder,
  encodeOpenAiResponsesResponse,
} from '@one-api/llm-codecs';
import { SseParser, type StreamEvent } from '@one-api/llm-core';
import { openAiResponsesAdapter } from './adapter';
import { fixtureJson, fixtureText } from './fixtures/read-fixture';
import { ResponsesUsageTap, usageFromResponsesBody } from './usage-tap';

interface NamedEvent {
  event: string;
  data: Record<string, unknown>;
}

function sseEvents(text: string): NamedEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()].map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
}

const ID = /^(resp|msg|fc|rs|ctc)_[A-Za-z0-9]+$/;

/** Renames generated ids in order of appearance and drops `obfuscation`. */
function normalize<T>(value: T): T {
  const seen = new Map<string, string>();
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string' && ID.test(node)) {
      if (!seen.has(node)) seen.set(node, `${node.split('_')[0]}#${seen.size}`);
      return seen.get(node);
    }
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(
        Object.entries(node)
          .filter(
            ([key, item]) =>
              key !== 'obfuscation' &&
              !(
                key === 'name' &&
                typeof item === 'string' &&
                (node as { type?: unknown }).type === 'response.function_call_arguments.done'
              ),
          )
          .map(([key, item]) => [key, walk(item)]),
      );
    }
    return node;
  };
  return walk(value) as T;
}

/** The canonical model keeps a reasoning text, not its parts: several summaries come back as one, joined. */
function joinSummaries<T>(value: T): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    const record = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    if (record.type === 'reasoning' && Array.isArray(record.summary) && record.summary.length > 1) {
      record.summary = [
        { type: 'summary_text', text: record.summary.map((s: { text: string }) => s.text).join('\n\n') },
      ];
    }
    return record;
  };
  return walk(value) as T;
}

function roundTrip(
  streamName: string,
  requestBody: Record<string, unknown>,
): { ours: NamedEvent[]; recorded: NamedEvent[] } {
  const request = decodeOpenAiResponsesRequest(requestBody);
  const decoder = openAiResponsesAdapter.createStreamDecoder();
  const encoder = new OpenAiResponsesStreamEncoder({ request });
  const recordedText = fixtureText(streamName);
  const events: StreamEvent[] = [...decoder.push(recordedText), ...decoder.end()];
  const out = events.map((e) => encoder.encode(e)).join('') + encoder.finish();
  return { ours: sseEvents(out), recorded: sseEvents(recordedText) };
}

describe('Responses fixtures round trip (adapter → canonical → codec)', () => {
  it('stream-incomplete.txt: gives the recorded events back, event for event', () => {
    const { ours, recorded } = roundTrip('stream-incomplete.txt', {
      model: 'gpt-4.1-mini',
      input: 'Tell me a story.',
      max_output_tokens: 16,
      stream: true,
    });
    expect(normalize(ours)).toEqual(normalize(recorded));
  });

  it('stream-custom.txt: gives the recorded Codex turn back (reasoning summaries joined)', () => {
    const { ours, recorded } = roundTrip('stream-custom.txt', fixtureJson('custom-request.json'));
    // The encoder sends a custom tool's input in one delta (canonical arguments are JSON around it).
    const withoutSummaryEvents = (list: NamedEvent[]) =>
      list
        .filter((e) => !e.event.startsWith('response.reasoning_summary'))
        .map((e) => e.event)
        .filter((e, i, all) => e !== 'response.custom_tool_call_input.delta' || all[i - 1] !== e);
    expect(withoutSummaryEvents(ours)).toEqual(withoutSummaryEvents(recorded));
    const last = (list: NamedEvent[]) => list[list.length - 1].data;
    expect(normalize(last(ours))).toEqual(
      joinSummaries(normalize({ ...last(recorded), sequence_number: last(ours).sequence_number })),
    );
    const inputDeltas = ours.filter((e) => e.event === 'response.custom_tool_call_input.delta');
    expect(inputDeltas.map((e) => e.data.delta)).toEqual([
      '*** Begin Patch\n*** Add File: notes/"todo".md\n+- ship it \u2705\n*** End Patch\n',
    ]);
    ours.forEach((e, i) => expect(e.data.sequence_number).toBe(i));
  });

  it.each([
    ['response-incomplete.json', { model: 'gpt-4.1-mini', input: 'Tell me a story.', max_output_tokens: 16 }],
    [
      'response-custom.json',
      { ...fixtureJson<Record<string, unknown>>('custom-request.json'), stream: false },
    ],
  ])('%s: adapter parse → codec encode gives the recorded response back', (name, requestBody) => {
    const fixture = fixtureJson(name);
    const canonical = openAiResponsesAdapter.parseResponse(fixture);
    const encoded = encodeOpenAiResponsesResponse(canonical, {
      request: decodeOpenAiResponsesRequest(requestBody),
    });
    expect(normalize(encoded)).toEqual(joinSummaries(normalize(fixture)));
  });

  it.each([
    ['stream-custom.txt', 5210, 311, 'response.completed'],
    ['stream-incomplete.txt', 12, 16, 'response.incomplete'],
    ['stream-failed.txt', undefined, undefined, 'response.failed'],
  ])('%s: the passthrough usage tap reads the terminal usage', (name, input, output, terminal) => {
    const tap = new ResponsesUsageTap({ collectCompletion: true });
    const bytes = Buffer.from(fixtureText(name), 'utf8');
    for (let i = 0; i < bytes.length; i += 97) tap.push(bytes.subarray(i, i + 97));
    tap.end();
    expect(tap.terminal).toBe(terminal);
    expect(tap.done).toBe(true);
    expect(tap.responseId).toMatch(/^resp_68c1/);
    expect(tap.usage?.inputTokens).toBe(input);
    expect(tap.usage?.outputTokens).toBe(output);
    if (name === 'stream-incomplete.txt') expect(tap.completionText).toBe('Once upon a time, in a land far');
  });

  it('the passthrough tap reports a cut stream, and reads a non-streamed body', () => {
    const tap = new ResponsesUsageTap();
    const text = fixtureText('stream-custom.txt');
    tap.push(text.slice(0, text.lastIndexOf('event: response.completed')));
    tap.end();
    expect(tap.done).toBe(false);
    expect(tap.usage).toBeUndefined();
    expect(usageFromResponsesBody(fixtureText('response-custom.json'))).toMatchObject({
      inputTokens: 5210,
      cacheReadTokens: 4864,
      reasoningTokens: 192,
    });
    expect(usageFromResponsesBody('not json')).toBeUndefined();
  });
});
