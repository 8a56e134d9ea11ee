/**
 * UI redraw benchmark (not a test): `npx tsx bench/ui-redraw.bench.ts`.
 *
 * 1. Compare view with 4 runs × 50,000 iterations (synthetic rows written through the real
 *    RunStore, served by the real LabService + web host) in the system Chromium: the
 *    chart's redraw time (Chart.js update + render, read from the canvas' data-render-ms)
 *    and input → next frame after moving the smoothing slider, which re-smooths 200,000
 *    points. Target: median redraw < 16 ms.
 * 2. Responsiveness while a real run streams: frame gaps and click → next-frame latency on
 *    the Live view, and on Compare with the streaming run beside the 4 big ones.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ensureBuilt } from '../scripts/build-if-stale.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium } from '../tests/e2e/fixtures/chromium';
import { startWebHost } from '../src/main/host/web-host';
import { LabService } from '../src/main/lab';
import { seedSyntheticRuns } from './synthetic-runs';

const POINTS = Number(process.env['BENCH_POINTS'] ?? 50_000);
const REDRAWS = Number(process.env['BENCH_REDRAWS'] ?? 40);
const STREAM_SECONDS = Number(process.env['BENCH_STREAM_SECONDS'] ?? 8);

function stats(values: number[]): { median: number; p95: number; max: number; n: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] ?? NaN;
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? NaN, n: s.length };
}

const fmt = (x: { median: number; p95: number; max: number; n: number }) =>
  `median ${x.median.toFixed(1)} ms · p95 ${x.p95.toFixed(1)} ms · max ${x.max.toFixed(1)} ms (n=${x.n})`;

interface Redraws {
  render: number[];
  raster: number[];
  rendered: number[];
  frame: number[];
}

/**
 * Moves the smoothing slider `count` times. Per move: Chart.js update + render (recording
 * the drawing), render → next frame (the canvas rasterised and committed: without a GPU
 * this is where the pixels cost), input → chart rendered, and input → next frame (the
 * whole redraw as a person sees it).
 */
function smoothingRedraws(page: Page, count: number): Promise<Redraws> {
  return page.evaluate(`__runlabBench.smoothingRedraws(${count})`) as Promise<Redraws>;
}

/** Frame gaps and click latency over `seconds` while whatever is on screen keeps updating. */
async function responsiveness(
  page: Page,
  seconds: number,
  clickSelector: string,
): Promise<{ gaps: number[]; clicks: number[]; renders: number }> {
  await page.evaluate('__runlabBench.startResponsiveness()');
  const rendersBefore = await totalRenders(page);
  const box = await page.locator(clickSelector).first().boundingBox();
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (box) {
      // Hover across the chart (tooltips), then click a neutral spot.
      if (process.env['BENCH_HOVER'] !== '0') {
        for (let x = 0.1; x < 0.9; x += 0.2) await page.mouse.move(box.x + box.width * x, box.y + box.height * 0.5);
      }
      await page.mouse.click(box.x + 4, box.y + 4);
    }
    await page.waitForTimeout(150);
  }
  const result = (await page.evaluate('__runlabBench.stopResponsiveness()')) as { gaps: number[]; clicks: number[] };
  return { ...result, renders: (await totalRenders(page)) - rendersBefore };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** BENCH_PROFILE=1: the functions the page spent most self time in. */
function printProfile(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  console.log('  top self time:');
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${key}`);
}

/** BENCH_TRACE=live|compare: main-thread time by trace event (Commit, FunctionCall, Layout…). */
async function startTrace(page: Page): Promise<() => Promise<void>> {
  const client = await page.context().newCDPSession(page);
  const events: { name: string; ph: string; dur?: number; pid: number; tid: number; args?: { name?: string } }[] = [];
  client.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as typeof events)));
  await client.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  return async () => {
    const done = new Promise<void>((resolve) => client.once('Tracing.tracingComplete', () => resolve()));
    await client.send('Tracing.end');
    await done;
    const mains = new Set(events.filter((e) => e.ph === 'M' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    const total = new Map<string, number>();
    for (const e of events) {
      if (e.ph === 'X' && e.dur && mains.has(`${e.pid}:${e.tid}`)) total.set(e.name, (total.get(e.name) ?? 0) + e.dur / 1000);
    }
    console.log('  main-thread trace events (inclusive ms):');
    for (const [name, ms] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 14))
      console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${name}`);
  };
}

/** Polls a page expression until it is truthy (waitForFunction would need eval, which the CSP forbids). */
async function waitFor(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${expression}`);
    await page.waitForTimeout(100);
  }
}

function totalRenders(page: Page): Promise<number> {
  return page.evaluate('__runlabBench.totalRenders()') as Promise<number>;
}

async function main(): Promise<void> {
  ensureBuilt();
  console.error(await ensureChromium());
  const home = await mkdtemp(join(tmpdir(), 'runlab-bench-ui-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  let service: LabService | null = null;
  let host: Awaited<ReturnType<typeof startWebHost>> | null = null;
  try {
    console.log(`Seeding 4 runs × ${POINTS.toLocaleString('en-US')} iterations in ${home} …`);
    const runs = await seedSyntheticRuns(
      home,
      [0, 1, 2, 3].map((i) => ({
        name: `bench run ${i + 1}`,
        iterations: POINTS,
        itersPerEpoch: 125,
        floor: 0.08 + i * 0.05,
        seed: i + 1,
        config: { lr: [0.5, 0.2, 0.1, 0.05][i]!, epochs: Math.ceil(POINTS / 125) },
      })),
    );
    service = await LabService.open({ dataDir: home });
    host = await startWebHost({ service, port: 0 });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript({ path: join(import.meta.dirname, 'ui-redraw.page.js') });
    if (process.env['BENCH_REDUCED_MOTION']) await page.emulateMedia({ reducedMotion: 'reduce' });
    const ids = runs.map((r) => r.id);

    const loadStart = Date.now();
    await page.goto(`${host.url}#/compare?runs=${ids.join(',')}`);
    await waitFor(page, '__runlabBench.compareDrawn()', 120_000);
    console.log(`Compare view with ${(4 * POINTS).toLocaleString('en-US')} points loaded and drawn in ${Date.now() - loadStart} ms`);

    // Warm up (JIT, font caches), then measure.
    await smoothingRedraws(page, 5);
    const smoothed = await smoothingRedraws(page, REDRAWS);
    console.log(`\nCompare chart, 4 runs × ${POINTS.toLocaleString('en-US')} points, raw + smoothed (8 datasets):`);
    console.log(`  Chart.js redraw (update('none') + render):     ${fmt(stats(smoothed.render))}`);
    console.log(`  render → next frame (raster + commit + vsync):  ${fmt(stats(smoothed.raster))}`);
    console.log(
      `  slider input → chart rendered (EMA + LTTB of ${(4 * POINTS).toLocaleString('en-US')} points + redraw): ${fmt(stats(smoothed.rendered))}`,
    );
    console.log(`  slider input → next frame:                      ${fmt(stats(smoothed.frame))}`);

    // Start a real run and follow it live.
    const streaming = await service.call('startRun', { config: { epochs: 40 }, name: 'bench streaming run' });
    await page.goto(`${host.url}#/live?runs=${streaming.id}`);
    await waitFor(page, `__runlabBench.liveStatus(${JSON.stringify(streaming.id)}) === 'running'`, 60_000);
    await page.waitForTimeout(1500);
    const liveTrace = process.env['BENCH_TRACE'] === 'live' ? await startTrace(page) : null;
    const live = await responsiveness(page, STREAM_SECONDS, '[data-testid="loss-chart"]');
    if (liveTrace) await liveTrace();
    const iterAfterLive = Number(await page.getByTestId('progress').getAttribute('data-iter'));
    console.log(`\nLive view while the run streams (${STREAM_SECONDS} s, run at iteration ${iterAfterLive}):`);
    console.log(`  frame gaps: ${fmt(stats(live.gaps))}; frames over 50 ms: ${live.gaps.filter((g) => g > 50).length}`);
    console.log(`  click → next frame: ${fmt(stats(live.clicks))}`);
    console.log(`  chart renders: ${live.renders} in ${STREAM_SECONDS} s (coalesced: at most one per frame per chart)`);

    await page.goto(`${host.url}#/compare?runs=${[...ids, streaming.id].join(',')}`);
    await waitFor(page, '__runlabBench.compareDrawn()', 120_000);
    await page.waitForTimeout(1000);
    const client = process.env['BENCH_PROFILE'] ? await page.context().newCDPSession(page) : null;
    if (client) {
      await client.send('Profiler.enable');
      await client.send('Profiler.start');
    }
    const tracing = process.env['BENCH_TRACE'] === 'compare' ? await startTrace(page) : null;
    const cmp = await responsiveness(page, STREAM_SECONDS, '[data-testid="compare-chart"]');
    if (client) printProfile((await client.send('Profiler.stop')).profile);
    if (tracing) await tracing();
    console.log(`\nCompare view, 4 × ${POINTS.toLocaleString('en-US')} points + the streaming run (${STREAM_SECONDS} s):`);
    console.log(`  frame gaps: ${fmt(stats(cmp.gaps))}; frames over 50 ms: ${cmp.gaps.filter((g) => g > 50).length}`);
    console.log(`  click → next frame: ${fmt(stats(cmp.clicks))}`);
    console.log(`  chart renders: ${cmp.renders} in ${STREAM_SECONDS} s`);

    await service.call('cancelRun', { id: streaming.id });
    const medianRedraw = stats(smoothed.render).median;
    console.log(`\nTarget: median redraw < 16 ms → ${medianRedraw < 16 ? 'met' : 'NOT met'} (${medianRedraw.toFixed(1)} ms)`);
  } finally {
    await browser.close();
    await host?.close();
    await service?.close();
    await rm(home, { recursive: true, force: true });
  }
}

await main();
