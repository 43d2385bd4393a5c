export interface PageWindow {
  /** 0-based page number, as One API's `p`. */
  page: number;
  size: number;
  skip: number;
}

/** `p` is 0-based like One API; `size` defaults to 10 and is capped by MAX_ITEMS_PER_PAGE. */
export function pageWindow(
  query: { p?: unknown; size?: unknown; page_size?: unknown },
  maxItems: number,
): PageWindow {
  const asInt = (v: unknown, fallback: number) => {
    const n = typeof v === 'string' || typeof v === 'number' ? Number.parseInt(String(v), 10) : NaN;
    return Number.isFinite(n) ? n : fallback;
  };
  const pageNo = Math.max(0, asInt(query.p, 0));
  const size = Math.min(Math.max(1, asInt(query.size ?? query.page_size, 10)), maxItems);
  return { page: pageNo, size, skip: pageNo * size };
}
