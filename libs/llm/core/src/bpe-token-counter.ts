/**
 * A lean byte-pair-encoding token counter over js-tiktoken's rank tables.
 *
 * js-tiktoken's own encoder keeps a decode table and comma-joined byte keys, about 110 MB of heap for o200k_base
 * plus cl100k_base; counting needs neither. This counter keys the merge ranks by byte strings (one char per byte),
 * which is ~25 MB for both tables, and counts about twice as fast. Counts equal js-tiktoken's `encode(text, [], [])`
 * (checked by the spec); special-token text is counted as ordinary text.
 */
export interface BpeRanks {
  pat_str: string;
  bpe_ranks: string;
}

/** Pieces longer than this many bytes are counted in windows, keeping the quadratic merge cheap on hostile input. */
const MAX_PIECE_BYTES = 512;

const BASE64_VALUES = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  .split('')
  .forEach((char, value) => (BASE64_VALUES[char.charCodeAt(0)] = value));

/** Decodes base64 text[from, to) into a byte string (one char per byte). */
function base64ToByteString(text: string, from: number, to: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = from; i < to; i++) {
    const value = BASE64_VALUES[text.charCodeAt(i)];
    if (value === undefined || value < 0) continue;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}

/** Parses js-tiktoken's compressed table: lines of `<prefix> <first rank> <base64 token> <base64 token> ...`. */
function parseRanks(table: string): Map<string, number> {
  const ranks = new Map<string, number>();
  let lineStart = 0;
  while (lineStart < table.length) {
    let lineEnd = table.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = table.length;
    const prefixEnd = table.indexOf(' ', lineStart);
    if (prefixEnd !== -1 && prefixEnd < lineEnd) {
      let offsetEnd = table.indexOf(' ', prefixEnd + 1);
      if (offsetEnd === -1 || offsetEnd > lineEnd) offsetEnd = lineEnd;
      let rank = Number.parseInt(table.slice(prefixEnd + 1, offsetEnd), 10);
      let tokenStart = offsetEnd + 1;
      while (tokenStart < lineEnd) {
        let tokenEnd = table.indexOf(' ', tokenStart);
        if (tokenEnd === -1 || tokenEnd > lineEnd) tokenEnd = lineEnd;
        if (tokenEnd > tokenStart) ranks.set(base64ToByteString(table, tokenStart, tokenEnd), rank++);
        tokenStart = tokenEnd + 1;
      }
    }
    lineStart = lineEnd + 1;
  }
  return ranks;
}

export class BpeTokenCounter {
  private readonly ranks: Map<string, number>;
  private readonly pattern: RegExp;

  constructor(table: BpeRanks) {
    this.ranks = parseRanks(table.bpe_ranks);
    this.pattern = new RegExp(table.pat_str, 'gu');
  }

  /** Number of ranks in the table (the vocabulary size without special tokens). */
  get size(): number {
    return this.ranks.size;
  }

  count(text: string): number {
    let tokens = 0;
    for (const match of text.matchAll(this.pattern)) {
      const piece = Buffer.from(match[0], 'utf8').toString('latin1');
      if (piece.length <= MAX_PIECE_BYTES) {
        tokens += this.countPiece(piece);
      } else {
        for (let i = 0; i < piece.length; i += MAX_PIECE_BYTES)
          tokens += this.countPiece(piece.slice(i, i + MAX_PIECE_BYTES));
      }
    }
    return tokens;
  }

  /** Merges the lowest-ranked adjacent pair until no pair is in the table; the parts left are the tokens. */
  private countPiece(piece: string): number {
    if (piece.length <= 1 || this.ranks.has(piece)) return 1;
    const bounds: number[] = [];
    for (let i = 0; i <= piece.length; i++) bounds.push(i);
    while (bounds.length > 2) {
      let best = Number.POSITIVE_INFINITY;
      let at = -1;
      for (let i = 0; i + 2 < bounds.length; i++) {
        const rank = this.ranks.get(piece.slice(bounds[i], bounds[i + 2]));
        if (rank !== undefined && rank < best) {
          best = rank;
          at = i;
        }
      }
      if (at === -1) break;
      bounds.splice(at + 1, 1);
    }
    return bounds.length - 1;
  }
}
