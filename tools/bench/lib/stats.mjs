// Small statistics helpers.

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function sortedCopy(values) {
  return Float64Array.from(values).sort();
}

export function median(values) {
  return percentile(sortedCopy(values), 50);
}

export function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}
