// Page-side half of bench/history-ui.ts, injected with page.addInitScript: it runs in Chromium
// (DOM, requestAnimationFrame), so it lives apart from the Node-side TypeScript.
//
// Each action is taken at the start of a frame (inside a requestAnimationFrame callback). Its
// `work` is the time until the DOM shows the result and is laid out (script, Svelte's update,
// style, layout); `gap` is the time from that frame to the next one. An action is "within one
// frame" when the next frame comes on time (gap ≤ 1.5 × the idle frame interval), i.e. the
// result was painted in the frame the action was taken in.
const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
const microtasks = async () => {
  for (let i = 0; i < 4; i++) await Promise.resolve();
};
const SORT_KEYS = ['bestValidAccuracy', 'name', 'lr', 'finalValidLoss', 'durationMs', 'optimizer', 'epochs', 'created', 'status', 'model'];
const FILTERS = ['s', 'se', 'seeded run 09', 'seeded run 0', 'baseline', ''];

function scroller() {
  return document.querySelector('[data-testid="history-scroll"]');
}

/** Whether the rows in the DOM cover the scroller's viewport (no blank band after a jump). */
function viewportFilled() {
  const s = scroller();
  const rows = s.querySelectorAll('tbody [data-testid="history-row"]');
  if (rows.length === 0) return false;
  const view = s.getBoundingClientRect();
  const head = s.querySelector('thead')?.getBoundingClientRect().height ?? 0;
  const first = rows[0].getBoundingClientRect();
  const last = rows[rows.length - 1].getBoundingClientRect();
  const atEnd = s.scrollTop + s.clientHeight >= s.scrollHeight - 1;
  return first.top <= view.top + head + 1 && (atEnd || last.bottom >= view.bottom - 1);
}

function firstRowId() {
  return scroller().querySelector('tbody [data-testid="history-row"]')?.getAttribute('data-run-id') ?? null;
}

globalThis.__historyBench = {
  /** Median gap between frames while nothing happens. */
  async idleInterval(count) {
    const gaps = [];
    let last = await frame();
    for (let i = 0; i < count; i++) {
      const t = await frame();
      gaps.push(t - last);
      last = t;
    }
    gaps.sort((a, b) => a - b);
    return gaps[Math.floor(gaps.length / 2)];
  },

  /**
   * `count` actions of one kind. scroll-jump: to a far position (a drag of the scrollbar);
   * scroll-step: three rows down (a wheel notch); sort: a column header clicked; filter: text
   * typed into the filter box. Returns per action { work, gap, ok } (ok: the DOM showed it).
   */
  async measure(kind, count) {
    const s = scroller();
    const out = [];
    for (let i = 0; i < count; i++) {
      const frameStart = await frame();
      const t0 = performance.now();
      const before = firstRowId();
      let ok = true;
      if (kind === 'scroll-jump' || kind === 'scroll-step') {
        const max = s.scrollHeight - s.clientHeight;
        const target = kind === 'scroll-jump' ? (((i * 7919) % 997) / 997) * max : (s.scrollTop + 3 * 36) % max;
        s.scrollTop = target;
        // The browser's own scroll event comes with the next frame; the handler runs now, as
        // it does for a scroll the compositor already moved.
        s.dispatchEvent(new Event('scroll'));
        await microtasks();
      } else if (kind === 'sort') {
        document.querySelector(`[data-testid="sort-${SORT_KEYS[i % SORT_KEYS.length]}"]`).click();
        await microtasks();
      } else if (kind === 'filter') {
        const input = document.querySelector('[data-testid="history-filter"]');
        input.value = FILTERS[i % FILTERS.length];
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await microtasks();
      } else throw new Error(`unknown action ${kind}`);
      const tScript = performance.now();
      if (kind !== 'filter') ok = viewportFilled();
      // Style and layout of the result, forced here so they count in `work`.
      void document.body.offsetHeight;
      const t1 = performance.now();
      const next = await frame();
      out.push({ work: t1 - t0, script: tScript - t0, gap: next - frameStart, ok, changed: firstRowId() !== before });
    }
    return out;
  },
};
