/** Splits a comma list: items trimmed, empty items dropped, duplicates removed (first one kept, case-sensitive). */
export function splitCommaList(value: string | null | undefined): string[] {
  if (!value) return [];
  const seen = new Set<string>();
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item) seen.add(item);
  }
  return [...seen];
}
