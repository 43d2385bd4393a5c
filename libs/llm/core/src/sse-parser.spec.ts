import { formatSseEvent, SseParser, type SseEvent } from './sse-parser';

function parseAll(chunks: Array<string | Uint8Array>, options = {}): SseEvent[] {
  const parser = new SseParser(options);
  const events: SseEvent[] = [];
  for (const chunk of chunks) events.push(...parser.push(chunk));
  events.push(...parser.end());
  return events;
}

describe('SseParser', () => {
  it('parses data, event, id and retry fields and dispatches on blank lines', () => {
    const events = parseAll(['event: ping\ndata: {"a":1}\nid: 7\nretry: 1500\n\ndata: second\n\n']);
    expect(events).toEqual([
      { event: 'ping', data: '{"a":1}', id: '7', retry: 1500 },
      { event: 'message', data: 'second', id: '7' },
    ]);
  });

  it('joins multi-line data with LF and strips only one leading space', () => {
    expect(parseAll(['data: line one\ndata:  two spaces\ndata:nospace\n\n'])).toEqual([
      { event: 'message', data: 'line one\n two spaces\nnospace' },
    ]);
  });

  it('accepts CRLF, CR and LF line endings, also mixed', () => {
    expect(parseAll(['data: a\r\n\r\ndata: b\r\rdata: c\n\n'])).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
      { event: 'message', data: 'c' },
    ]);
  });

  it('treats a CR at the end of a chunk and an LF at the start of the next as one line ending', () => {
    expect(parseAll(['data: a\r', '\n\r', '\ndata: b\r\n\r\n'])).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
    ]);
  });

  it('ignores comments and unknown fields, and does not dispatch events without data', () => {
    expect(parseAll([': keep-alive\n\nevent: lonely\n\nfoo: bar\ndata\n\n'])).toEqual([
      { event: 'message', data: '' },
    ]);
  });

  it('ignores an id containing NUL and a non-numeric retry', () => {
    expect(parseAll(['id: 1\ndata: x\n\nid: a\0b\nretry: 1s\ndata: y\n\n'])).toEqual([
      { event: 'message', data: 'x', id: '1' },
      { event: 'message', data: 'y', id: '1' },
    ]);
  });

  it('skips a leading byte-order mark', () => {
    expect(parseAll(['\uFEFFdata: x\n\n'])).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('discards an unterminated event at the end unless asked to dispatch it', () => {
    expect(parseAll(['data: complete\n\ndata: partial\n'])).toEqual([{ event: 'message', data: 'complete' }]);
    expect(parseAll(['data: complete\n\ndata: partial'], { dispatchIncompleteOnEnd: true })).toEqual([
      { event: 'message', data: 'complete' },
      { event: 'message', data: 'partial' },
    ]);
  });

  it('yields the same events whatever the chunking, including splits inside UTF-8 sequences', () => {
    const text = 'event: delta\r\ndata: {"t":"héllo 👋 世界"}\r\n\r\n: c\ndata: a\ndata: b\r\rdata: 😀\n\n';
    const bytes = Buffer.from(text, 'utf8');
    const expected = parseAll([text]);
    expect(expected).toHaveLength(3);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(parseAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
    }
    expect(parseAll([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(expected);
    expect(parseAll(text.split(''))).toEqual(expected);
  });
});

describe('formatSseEvent', () => {
  it('formats a data line and an optional event name, splitting multi-line data', () => {
    expect(formatSseEvent('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(formatSseEvent('x', 'ping')).toBe('event: ping\ndata: x\n\n');
    expect(formatSseEvent('a\nb')).toBe('data: a\ndata: b\n\n');
    expect(parseAll([formatSseEvent('a\nb', 'e')])).toEqual([{ event: 'e', data: 'a\nb' }]);
  });
});
