import type { CellResult, MatrixReport } from './types';

export const MATRIX_TITLE = '=== One-API Regression Matrix ===';

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** `PASS 1.51s`, `PASS* 35.02s`, `SKIP`, `FAIL <reason cut to 32>`, or `—` for a cell that did not run. */
export function formatCell(cell: CellResult | undefined): string {
  if (!cell) return '—';
  const seconds = (Math.floor(cell.durationMs / 10) / 100).toFixed(2);
  switch (cell.status) {
    case 'PASS':
      return `PASS ${seconds}s`;
    case 'PASS*':
      return `PASS* ${seconds}s`;
    case 'SKIP':
      return 'SKIP';
    default:
      return `FAIL ${shorten(cell.reason || `${seconds}s`, 32)}`;
  }
}

/** Left-aligned columns, each as wide as its widest entry plus two spaces (the last one unpadded). */
function columns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map((row) =>
      row
        .map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat(widths[i] - [...c].length + 2)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The seed README's table: title, one row per variant and one column per model, the Totals line, then the failed
 * and skipped cells with their reasons and the PASS* warnings.
 */
export function formatMatrix(report: MatrixReport): string {
  const byKey = new Map(report.cells.map((c) => [`${c.variant}\u0000${c.model}`, c]));
  const rows = [['Variant', ...report.models]];
  for (const v of report.variants)
    rows.push([v.header, ...report.models.map((m) => formatCell(byKey.get(`${v.key}\u0000${m}`)))]);
  const t = report.totals;
  const lines = [
    MATRIX_TITLE,
    '',
    columns(rows),
    '',
    `Totals  | Requests: ${t.requests} | Passed: ${t.passed} | Failed: ${t.failed} | Skipped: ${t.skipped}`,
  ];
  const list = (title: string, cells: CellResult[], text: (c: CellResult) => string) => {
    if (cells.length === 0) return;
    lines.push('', title);
    const sorted = [...cells].sort(
      (a, b) => a.model.localeCompare(b.model) || a.header.localeCompare(b.header),
    );
    for (const c of sorted) lines.push(`- ${c.model} - ${c.header} -> ${shorten(text(c), 200)}`);
  };
  list(
    'Failures:',
    report.cells.filter((c) => c.status === 'FAIL'),
    (c) => c.reason ?? 'failed',
  );
  list(
    'Skipped (unsupported combinations):',
    report.cells.filter((c) => c.status === 'SKIP'),
    (c) => c.reason ?? 'skipped',
  );
  list(
    'Warnings:',
    report.cells.filter((c) => c.status === 'PASS*'),
    (c) => c.warning ?? '',
  );
  return lines.join('\n') + '\n';
}
