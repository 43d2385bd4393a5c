import { matrixTotals } from './runner';
import { formatCell, formatMatrix } from './table';
import type { CellResult } from './types';
import { selectVariants } from './variants';

function cell(
  model: string,
  variant: string,
  status: CellResult['status'],
  ms: number,
  extra = {},
): CellResult {
  return {
    model,
    variant,
    header: selectVariants([variant])[0].header,
    format: 'chat',
    stream: false,
    status,
    durationMs: ms,
    httpStatus: 200,
    attempt: 1,
    request: {},
    reply: { kind: 'none' },
    rawBody: '',
    headers: {},
    ...extra,
  };
}

describe('matrix table', () => {
  it('formats cells like the seed: seconds with two decimals, PASS*, SKIP, FAIL with a short reason', () => {
    expect(formatCell(cell('m', 'chat_stream_false', 'PASS', 1519))).toBe('PASS 1.51s');
    expect(formatCell(cell('m', 'chat_stream_false', 'PASS*', 35020))).toBe('PASS* 35.02s');
    expect(formatCell(cell('m', 'chat_stream_false', 'SKIP', 5, { reason: 'status 404' }))).toBe('SKIP');
    expect(
      formatCell(
        cell('m', 'chat_stream_false', 'FAIL', 5, { reason: 'status 400: {"error":{"message":"bad"}}' }),
      ),
    ).toBe('FAIL status 400: {"error":{"messag...');
    expect(formatCell(undefined)).toBe('—');
  });

  it('prints the title, aligned rows and columns, the totals and the outcome lists', () => {
    const variants = selectVariants(['chat_stream_false', 'chat_tools_stream_true']);
    const cells = [
      cell('gpt-4o-mini', 'chat_stream_false', 'PASS', 1510),
      cell('deepseek-chat', 'chat_stream_false', 'FAIL', 200, { reason: 'response missing choices' }),
      cell('gpt-4o-mini', 'chat_tools_stream_true', 'PASS*', 2670, { warning: 'tool was not invoked' }),
      cell('deepseek-chat', 'chat_tools_stream_true', 'SKIP', 10, { reason: 'status 404: not found' }),
    ];
    const text = formatMatrix({
      models: ['gpt-4o-mini', 'deepseek-chat'],
      variants,
      cells,
      totals: matrixTotals(cells),
    });
    expect(text).toBe(
      [
        '=== One-API Regression Matrix ===',
        '',
        'Variant                   gpt-4o-mini  deepseek-chat',
        'Chat (stream=false)       PASS 1.51s   FAIL response missing choices',
        'Chat Tools (stream=true)  PASS* 2.67s  SKIP',
        '',
        'Totals  | Requests: 4 | Passed: 2 | Failed: 1 | Skipped: 1',
        '',
        'Failures:',
        '- deepseek-chat - Chat (stream=false) -> response missing choices',
        '',
        'Skipped (unsupported combinations):',
        '- deepseek-chat - Chat Tools (stream=true) -> status 404: not found',
        '',
        'Warnings:',
        '- gpt-4o-mini - Chat Tools (stream=true) -> tool was not invoked',
        '',
      ].join('\n'),
    );
  });
});
