/**
 * Benchmark: History at scale (issue 15). 1000 finished runs (bench/synthetic-runs.ts
 * `seedManyRuns`, real run folders) served by the real LabService and web host, History opened
 * in Chromium at 1280×800, and per action — a far scroll, a wheel-notch scroll, a sort, a filter
 * keystroke — the work until the DOM shows the result and whether the next frame came on time
 * (bench/history-ui.page.js says how). Target: every action within one frame.
 *
 * Usage: npx tsx bench/history-ui.ts [--runs 1000] [--json]
 *        (npm run bench runs it as its `history` section, with {"runs": N} as argument)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureBuilt } from '../scripts/build-if-stale.js';
import { startWebHost } from '../src/main/host/web-host';
import { LabService } from '../src/main/lab';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium } from '../tests/e2e/fixtures/chromium';
import { formatHistoryBench, HISTORY_ACTIONS, summarizeActions, type ActionSample, type HistoryBenchResult } from './lib/history-report';
import { seedManyRuns } from './synthetic-runs';

const COUNTS: Record<(typeof HISTORY_ACTIONS)[number], number> = { 'scroll-jump': 60, 'scroll-step': 60, sort: 30, filter: 18 };

export async function benchHistory(runs: number, log: (line: string) => void): Promise<HistoryBenchResult> {
  ensureBuilt();
  log(await ensureChromium());
  const home = await mkdtemp(join(tmpdir(), 'runlab-bench-history-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  let service: LabService | null = null;
  let host: Awaited<ReturnType<typeof startWebHost>> | null = null;
  try {
    await seedManyRuns(home, runs);
    service = await LabService.open({ dataDir: home });
    host = await startWebHost({ service, port: 0 });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript({ path: join(import.meta.dirname, 'history-ui.page.js') });
    const opened = performance.now();
    await page.goto(`${host.url}#/history`);
    await page
      .getByTestId('history-count')
      .filter({ hasText: `${runs} of ${runs} runs` })
      .waitFor();
    const firstListMs = performance.now() - opened;
    const rowsInDom = await page.getByTestId('history-row').count();
    // Warm-up: one pass of every action, untimed (JIT, first layout of each column).
    for (const kind of HISTORY_ACTIONS) await page.evaluate(`__historyBench.measure(${JSON.stringify(kind)}, 6)`);
    const idle = (await page.evaluate('__historyBench.idleInterval(60)')) as number;
    const actions = {} as HistoryBenchResult['actions'];
    for (const kind of HISTORY_ACTIONS) {
      const samples = (await page.evaluate(`__historyBench.measure(${JSON.stringify(kind)}, ${COUNTS[kind]})`)) as ActionSample[];
      actions[kind] = summarizeActions(samples, idle);
      log(
        `history: ${kind} work median ${actions[kind].work_median_ms} ms, ${actions[kind].within_one_frame}/${actions[kind].count} within one frame`,
      );
    }
    return {
      runs,
      viewport: '1280×800',
      first_list_ms: Math.round(firstListMs),
      rows_in_dom: rowsInDom,
      idle_frame_ms: idle,
      actions,
      load_average: loadavg()
        .map((l) => l.toFixed(2))
        .join(' '),
    };
  } finally {
    await browser.close();
    await host?.close();
    await service?.close();
    await rm(home, { recursive: true, force: true });
  }
}

// Run directly, or as npm run bench's `history` section (one JSON argument).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = process.argv[2];
  const fromOrchestrator = arg?.startsWith('{') === true;
  const flags = process.argv.slice(2);
  const runsFlag = flags.indexOf('--runs');
  const runs = fromOrchestrator
    ? ((JSON.parse(arg!) as { runs?: number }).runs ?? 1000)
    : runsFlag >= 0
      ? Number(flags[runsFlag + 1])
      : 1000;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  benchHistory(runs, log).then(
    (result) => {
      if (fromOrchestrator) process.stdout.write(`\n${JSON.stringify(result)}\n`);
      else {
        process.stdout.write(`${formatHistoryBench(result).join('\n')}\n`);
        if (flags.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
      }
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`measurement failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
