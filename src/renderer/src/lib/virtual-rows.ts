/**
 * virtualWindow: which rows of a long list of fixed-height rows to render for a scroll
 * position — the visible ones plus a margin — and the blank space above and below them,
 * so a table of 1,000 runs keeps a few dozen rows in the DOM and scrolls like all of them.
 */

export interface VirtualWindow {
  /** First row to render (inclusive) and the row after the last (exclusive). */
  start: number;
  end: number;
  /** Pixels of blank space before `start` and after `end`. */
  padTop: number;
  padBottom: number;
}

export function virtualWindow(opts: {
  count: number;
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  /** Rows rendered beyond each edge, so a fast scroll does not show blank rows for a frame. */
  overscan?: number;
}): VirtualWindow {
  const { count, rowHeight } = opts;
  const overscan = opts.overscan ?? 8;
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const top = Math.max(0, opts.scrollTop);
  // Before the first layout the viewport height is 0: render a screenful anyway.
  const height = opts.viewportHeight > 0 ? opts.viewportHeight : rowHeight * 30;
  const first = Math.min(count - 1, Math.floor(top / rowHeight));
  const last = Math.min(count, Math.ceil((top + height) / rowHeight));
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.max(last, first + 1) + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}
