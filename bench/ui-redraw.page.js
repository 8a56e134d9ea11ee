// Page-side half of bench/ui-redraw.bench.ts, injected with page.addInitScript: it runs in
// Chromium (DOM, requestAnimationFrame), so it lives apart from the Node-side TypeScript.
globalThis.__runlabBench = {
  /** Renders of every chart on the page (Chart.svelte counts them on its canvas). */
  totalRenders() {
    return [...document.querySelectorAll('canvas')].reduce((n, c) => n + Number(c.dataset.renders ?? 0), 0);
  },

  /** Whether the Compare chart has drawn data (not just its empty frame). */
  compareDrawn() {
    const c = document.querySelector('[data-testid="compare-chart"]');
    return Boolean(c) && Number(c.dataset.renders ?? 0) > 0 && !document.querySelector('.chart-empty');
  },

  liveStatus(id) {
    return (
      document.querySelector(`[data-testid="live-run"][data-run-id="${id}"] [data-testid="run-status"]`)?.getAttribute('data-status') ??
      null
    );
  },

  /** Moves the smoothing slider `count` times; per move: render ms, render → next frame, input → rendered, input → next frame. */
  async smoothingRedraws(count) {
    const slider = document.querySelector('[data-testid="smoothing-slider"]');
    const canvas = document.querySelector('[data-testid="compare-chart"]');
    const renders = () => Number(canvas.dataset.renders ?? 0);
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const out = { render: [], raster: [], rendered: [], frame: [] };
    for (let i = 0; i < count; i++) {
      const before = renders();
      const t0 = performance.now();
      slider.value = String(0.3 + (i % 10) * 0.06);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      while (renders() === before) await frame();
      // This frame callback runs after the rendering frame was committed to the screen.
      const next = performance.now();
      const renderedAt = Number(canvas.dataset.renderedAt);
      out.render.push(Number(canvas.dataset.renderMs));
      out.raster.push(next - renderedAt);
      out.rendered.push(renderedAt - t0);
      out.frame.push(next - t0);
    }
    return out;
  },

  /** Starts recording frame gaps and pointerdown → next-frame latency. */
  startResponsiveness() {
    const state = { gaps: [], clicks: [], last: performance.now(), on: true };
    this.state = state;
    const tick = (t) => {
      state.gaps.push(t - state.last);
      state.last = t;
      if (state.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    document.addEventListener(
      'pointerdown',
      // e.timeStamp: when the input was delivered; the next frame shows its effect.
      (e) => requestAnimationFrame(() => state.on && state.clicks.push(performance.now() - e.timeStamp)),
      true,
    );
  },

  stopResponsiveness() {
    this.state.on = false;
    return { gaps: this.state.gaps.slice(1), clicks: this.state.clicks };
  },
};
