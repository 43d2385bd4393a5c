import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tiktoken } from 'js-tiktoken/lite';
import { BpeTokenCounter } from './bpe-token-counter';
import { loadRankTable, type TokenizerEncoding } from './token-estimator';

const SAMPLES = [
  'hello world',
  "It's what they'LL do; we've DONE it. I'm sure you'd agree.",
  'Привет, как дела? 你好，世界。こんにちは 안녕하세요 مرحبا',
  'emoji 😀👋🏽👨‍👩‍👧‍👦 and symbols ©®™ ∑∫√ — “quotes” «guillemets»',
  '   leading spaces\n\n\n\ttabs\t\tand   runs      of whitespace   \r\n',
  'numbers 1234567890 3.14159 -42 1e10 0xFF 2025-01-01T00:00:00Z',
  '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":0.7}',
  'function f(x: number): string { return `${x * 2}`; } // comment\nconst y = [1, 2, 3].map((v) => v ** 2);',
  '<|endoftext|> <|fim_prefix|> special-token text counts as text',
  'a'.repeat(3000),
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
];

function sourceCorpus(): string {
  return readdirSync(__dirname)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => readFileSync(join(__dirname, name), 'utf8'))
    .join('\n');
}

describe.each<TokenizerEncoding>(['o200k_base', 'cl100k_base'])('BpeTokenCounter (%s)', (encoding) => {
  const table = loadRankTable(encoding);
  const counter = new BpeTokenCounter(table);
  const reference = new Tiktoken({ special_tokens: {}, ...table });

  it('loads the whole vocabulary', () => {
    expect(counter.size).toBe(encoding === 'o200k_base' ? 199998 : 100256);
  });

  it.each(SAMPLES.map((sample) => [sample.slice(0, 40), sample]))(
    'counts %j like js-tiktoken',
    (_label, sample) => {
      expect(counter.count(sample)).toBe(reference.encode(sample, [], []).length);
    },
  );

  it('counts a large mixed source file like js-tiktoken', () => {
    const corpus = sourceCorpus();
    expect(corpus.length).toBeGreaterThan(10000);
    expect(counter.count(corpus)).toBe(reference.encode(corpus, [], []).length);
  });

  it('counts a huge piece without any split point in windows instead of merging it whole', () => {
    // A whole-piece merge of 200 KB would not finish within the test timeout.
    const window = counter.count('x'.repeat(512));
    expect(counter.count('x'.repeat(200000))).toBe(390 * window + counter.count('x'.repeat(320)));
  });
});
