/** The human-readable table `npm run bench` prints (the JSON report carries the same numbers). */
import { FIRST_ROW_LABELS, FIRST_ROW_VARIANTS, type FirstRowSummary } from './first-row-result';
import type { GridSummary } from './grid';
import type { KernelSplitRow, KernelSplitSummary } from './kernel-split-result';
import type { ThreadsSummary } from './threads-result';
import type { BenchReport } from './report';
import { formatHistoryBench } from './history-report';
import { formatStoreBench } from './store-report';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function fmtRate(n: number | null | undefined): string {
  return n == null ? '—' : `${int.format(n)}/s`;
}

export function fmtRatio(n: number | null | undefined): string {
  return n == null ? '—' : `${n.toFixed(2)}×`;
}

/** A ratio and the spread of the per-repeat ratios behind it: `0.95× (0.81–1.02)`. */
export function fmtRatioRange(n: number | null | undefined, spread: [number, number] | null | undefined): string {
  return spread ? `${fmtRatio(n)} (${spread[0].toFixed(2)}–${spread[1].toFixed(2)})` : fmtRatio(n);
}

/** A best-epoch ratio with the rate behind it: `0.97× (51,200/s)`; either part may be missing. */
export function fmtBest(rate: number | null | undefined, ratio: number | null | undefined): string {
  if (rate == null) return fmtRatio(ratio);
  return `${fmtRatio(ratio)} (${fmtRate(rate)})`;
}

function fmtMs(n: number): string {
  return n.toFixed(2);
}

/** Left-aligned columns separated by two spaces. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

export function formatReport(r: BenchReport): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(
    `Runlab benchmark — ${m.cpu}, ${m.cores} cores, ${m.os}, Node ${m.node}, tfjs ${m.tfjs}; load average ${m.load_average} at start`,
  );
  const on = m.device ?? m.backend;
  out.push(`Default job: MLP 784-50-10, SGD lr 0.5, batch 64, mnist-sample (8,000 train / 2,000 valid)${on ? ` on ${on}` : ''}`);
  const { epochs, warmupEpochs } = r.settings as { epochs?: number; warmupEpochs?: number };
  const warm =
    typeof epochs === 'number' && typeof warmupEpochs === 'number'
      ? `the first ${warmupEpochs} of ${epochs} epochs untimed`
      : 'warm-up excluded';
  out.push(
    `Training samples/s in steady state (${warm}, for PyTorch too); medians of interleaved repeats; ratios are medians of paired repeats.`,
  );

  const rb = r.runner_vs_bare;
  if (rb) {
    out.push('', `runner_vs_bare (${rb.repeats} repeats)`);
    out.push(
      ...table([
        ['contender', 'samples/s', 'vs bare (range)', 'best epoch', 'whole epochs', 'per CPU-second', 'final valid loss'],
        [
          'bare loop',
          fmtRate(rb.bare_sps),
          '1.00×',
          fmtBest(rb.best_epoch.bare_sps, 1),
          '1.00×',
          '1.00×',
          rb.final_valid_loss.bare?.toFixed(6) ?? '—',
        ],
        [
          'Runner loop alone (TrainEvalCallback only)',
          fmtRate(rb.core_sps),
          fmtRatioRange(rb.core_ratio, rb.ratio_range.core),
          fmtBest(rb.best_epoch.core_sps, rb.best_epoch.core_ratio),
          '',
          '',
          '',
        ],
        [
          'runJob (Runner + default callbacks)',
          fmtRate(rb.runner_sps),
          fmtRatioRange(rb.ratio, rb.ratio_range.runner),
          fmtBest(rb.best_epoch.runner_sps, rb.best_epoch.ratio),
          fmtRatio(rb.epoch_ratio),
          fmtRatio(rb.cpu_epoch_ratio),
          rb.final_valid_loss.runner?.toFixed(6) ?? '—',
        ],
        [
          'supervised (supervisor + store + trainer process)',
          fmtRate(rb.supervised_sps),
          fmtRatioRange(rb.supervised_ratio, rb.ratio_range.supervised),
          fmtBest(rb.best_epoch.supervised_sps, rb.best_epoch.supervised_ratio),
          fmtRatio(rb.supervised_epoch_ratio),
          '—',
          rb.final_valid_loss.supervised?.toFixed(6) ?? '—',
        ],
      ]),
    );
    out.push(
      "  (vs bare: training passes; best epoch: each one's fastest timed epoch over all repeats and its ratio to the bare loop's — the least noisy view, since other work only slows a run down; whole epochs: train + validation + epoch-end work, wall time; per CPU-second: whole epochs per CPU-second of the process)",
    );
    for (const [who, e] of Object.entries(rb.errors ?? {})) out.push(`  ! ${who}: ${e}`);
  }
  const il = r.interleaved;
  if (il) {
    out.push('', `runner_vs_bare interleaved in one process (the loops take turns, round after round; ${il.rounds} timed rounds)`);
    out.push(
      ...table([
        ['loop', 'samples/s', 'vs bare (range)', 'best epoch'],
        ['bare loop', fmtRate(il.bare_sps), '1.00×', '1.00×'],
        [
          "bare loop on TensorFlow.js's kernels (Runlab's SIMD kernels off)",
          fmtRate(il.bare_ops.sps),
          fmtRatioRange(il.bare_ops.ratio, il.bare_ops.ratio_range),
          fmtRatio(il.bare_ops.best_ratio),
        ],
        [
          'Runner loop alone (TrainEvalCallback only)',
          fmtRate(il.core.sps),
          fmtRatioRange(il.core.ratio, il.core.ratio_range),
          fmtRatio(il.core.best_ratio),
        ],
        [
          'runJob (Runner + default callbacks)',
          fmtRate(il.runner.sps),
          fmtRatioRange(il.runner.ratio, il.runner.ratio_range),
          fmtRatio(il.runner.best_ratio),
        ],
        [
          'runJob, a whole run (2 epochs, the 2nd timed)',
          fmtRate(il.runjob.sps),
          fmtRatioRange(il.runjob.ratio, il.runjob.ratio_range),
          fmtRatio(il.runjob.best_ratio),
        ],
        [
          'supervised (runJob through supervisor + store, trainer session in this process)',
          fmtRate(il.supervised.sps),
          fmtRatioRange(il.supervised.ratio, il.supervised.ratio_range),
          fmtRatio(il.supervised.best_ratio),
        ],
      ]),
    );
    out.push(
      `  supervised vs runJob, round by round: ${fmtRatio(il.supervised_vs_runjob)} (what the supervisor and store add, their work on the training thread here)`,
    );
    if (il.timeline_vs_runner !== null || il.timeline_cost) {
      const c = il.timeline_cost;
      const direct = c
        ? `; measured directly: ${c.hook_calls_per_step.toFixed(1)} timed hook calls a step × ${c.ns_per_call.toFixed(0)} ns over a ${c.step_p50_ms.toFixed(3)} ms step = ${(c.overhead * 100).toFixed(2)} % (target ≤ 1 %)`
        : '';
      out.push(`  callback timeline on vs off, round by round: ${fmtRatio(il.timeline_vs_runner)}${direct}`);
    }
    out.push(`  kernels: ${il.kernels}`);
  } else if (r.interleaved_error) {
    out.push('', `runner_vs_bare interleaved: failed — ${r.interleaved_error}`);
  }

  out.push('');
  const vp = r.vs_pytorch;
  if (vp) {
    out.push(`vs_pytorch (torch ${vp.torch}, ${vp.python}, 1 thread each, BLAS ${vp.blas ?? 'unknown'})`);
    out.push(
      ...table([
        ['contender', 'samples/s', 'vs PyTorch (range)', 'best epoch'],
        ['PyTorch reference (bench/reference/pytorch_train.py)', fmtRate(vp.pytorch_sps), '1.00×', fmtBest(vp.best_epoch.pytorch_sps, 1)],
        [
          'Runlab runJob on wasm',
          fmtRate(vp.runlab_sps),
          fmtRatioRange(vp.ratio, vp.ratio_range),
          fmtBest(vp.best_epoch.runlab_sps, vp.best_epoch.ratio),
        ],
        ['bare loop on wasm', '', fmtRatio(vp.bare_ratio), fmtBest(null, vp.best_epoch.bare_ratio)],
      ]),
    );
    for (const [who, e] of Object.entries(vp.errors ?? {})) out.push(`  ! ${who}: ${e}`);
  } else {
    out.push(`vs_pytorch: not measured — ${r.vs_pytorch_reason ?? 'section skipped'}`);
  }

  if (r.grid) out.push('', ...formatGrid(r.grid));
  if (r.threads) out.push('', ...formatThreads(r.threads));
  else if (r.threads_error) out.push('', `Kernel threads: failed — ${r.threads_error}`);
  if (r.kernel_split) out.push('', ...formatKernelSplit(r.kernel_split));
  else if (r.kernel_split_error) out.push('', `Kernel split: failed — ${r.kernel_split_error}`);
  if (r.first_row) out.push('', ...formatFirstRow(r.first_row));
  else if (r.first_row_error) out.push('', `Start → first stored row: failed — ${r.first_row_error}`);

  if (r.backends.length > 0) {
    out.push('', 'Backends (training samples/s after a warm-up)');
    const rows: string[][] = [['backend', 'model', 'batch', 'samples/s', 'loop', 'repeats']];
    const missing: string[] = [];
    for (const b of r.backends) {
      if ('available' in b) missing.push(`  ${b.backend}: unavailable — ${b.reason}`);
      else
        rows.push([
          b.backend,
          b.model,
          String(b.batch_size),
          b.error ? `error: ${b.error}` : fmtRate(b.samples_per_second),
          b.loop,
          String(b.repeats),
        ]);
    }
    if (rows.length > 1) out.push(...table(rows));
    out.push(...missing);
  }

  const t = r.telemetry;
  if (t) {
    out.push(
      '',
      `Telemetry end to end (trainer → IPC → supervisor → metrics.jsonl → subscriber), ${int.format(t.rows)} rows in messages of ${t.rows_per_message}:`,
    );
    out.push(
      `  ${t.error ? `error: ${t.error}` : fmtRate(t.rows_per_second)}; the default job makes ${fmtRate(t.default_job_rows_per_second)} (one row per step)`,
    );
  }

  if (r.store_metrics) out.push('', ...formatStoreBench(r.store_metrics));
  else if (r.store_metrics_error) out.push('', `Metrics at scale: error: ${r.store_metrics_error}`);
  if (r.history) out.push('', ...formatHistoryBench(r.history));
  else if (r.history_error) out.push('', `History at scale: error: ${r.history_error}`);

  if (r.num_tensors_per_epoch.length > 0 || r.memory_checks.source !== 'none') {
    const mc = r.memory_checks;
    out.push('', `Memory of the default job through ${mc.source}, after each of its first 5 epochs`);
    out.push(
      `  numTensors: ${r.num_tensors_per_epoch.join(' ')}${mc.num_tensors_identical == null ? '' : mc.num_tensors_identical ? '  (identical in every epoch of every repeat)' : '  (NOT identical)'}`,
    );
    const mbs = (xs: readonly (number | null)[]) => xs.map((x) => (x == null ? '—' : x.toFixed(1))).join(' ');
    const growth = (x: number | null | undefined) => `${x?.toFixed(1) ?? '—'} MB`;
    out.push(
      `  RSS MB:     ${mbs(r.rss_mb_per_epoch)}  (growth after epoch 1: ${growth(mc.rss_growth_after_epoch_1_mb)}, after epoch 3: ${growth(mc.rss_growth_after_epoch_3_mb)})`,
    );
    const p = mc.peak_rss_mb_by_contender;
    const mb = (x: number | null) => (x == null ? '—' : `${x.toFixed(1)} MB`);
    out.push(`  peak RSS:   ${mb(r.peak_rss_mb)} (bare loop ${mb(p.bare)}, supervised trainer process ${mb(p.supervised_trainer)})`);
    const nj = mc.without_optimizing_jit;
    if (nj && 'error' in nj) out.push(`  without V8's optimizing JIT: error: ${nj.error}`);
    else if (nj) {
      out.push(
        `  RSS MB with V8's optimizing JIT off (node --no-opt): ${mbs(nj.rss_mb_per_epoch)}  (growth after epoch 1: ${growth(nj.rss_growth_after_epoch_1_mb)})`,
      );
      out.push(
        '  (what RSS gains after epoch 1 with the JIT on and not with it off is compiled code and compiler memory while the hot code is optimized, not training data)',
      );
    }
  }

  const p = r.profile;
  if (p) {
    const fb = p.forward_backward;
    const up = p.update;
    // Wall time and kernel time come from separate passes: when dispatch is smaller than
    // their noise the difference can come out below 0, which reads as 0.
    const fbDispatch = Math.max(0, p.phases_ms.forward_backward - fb.matmul_ms - fb.other_kernels_ms);
    const upDispatch = Math.max(0, p.phases_ms.update - up.matmul_ms - up.other_kernels_ms);
    out.push(
      '',
      `Profile: bare loop, ${p.device}, ${p.model}, batch ${p.batch_size} — ${fmtMs(p.step_ms)} ms per step (${fmtRate(p.samples_per_second)}), medians of ${p.rounds} rounds`,
    );
    out.push(
      ...table([
        ['phase', 'ms/step', 'share', 'detail'],
        ['data (DataLoader gather + tf.tensor)', fmtMs(p.phases_ms.data), share(p.phases_ms.data, p.step_ms), ''],
        ['forward + backward: products (matMul or dense kernels)', fmtMs(fb.matmul_ms), share(fb.matmul_ms, p.step_ms), ''],
        ['forward + backward: other kernels', fmtMs(fb.other_kernels_ms), share(fb.other_kernels_ms, p.step_ms), ''],
        [
          'forward + backward: dispatch (tfjs JS per kernel)',
          fmtMs(fbDispatch),
          share(fbDispatch, p.step_ms),
          `${fb.kernels_per_step} kernels/step`,
        ],
        ['update: kernels', fmtMs(up.other_kernels_ms + up.matmul_ms), share(up.other_kernels_ms + up.matmul_ms, p.step_ms), ''],
        ['update: dispatch', fmtMs(upDispatch), share(upDispatch, p.step_ms), `${up.kernels_per_step} kernels/step`],
        ['release (dispose)', fmtMs(p.phases_ms.release), share(p.phases_ms.release, p.step_ms), ''],
      ]),
    );
    if (p.matmul_probe) {
      const mp = p.matmul_probe;
      out.push(
        `  first layer act(x·W + b), ${mp.shape}: tfjs fused matMul ${mp.same_weights_us.toFixed(0)} µs with a reused weights buffer, ${mp.fresh_weights_us.toFixed(0)} µs with a freshly written one (every step, after the update: XNNPACK re-packs it)`,
      );
      if (mp.simd_fresh_weights_us !== null)
        out.push(
          `  the same with the SIMD dense kernel: ${mp.simd_fresh_weights_us.toFixed(0)} µs with a freshly written buffer (nothing to re-pack)`,
        );
    }
    out.push(
      `  heaviest kernels: ${[...fb.top, ...up.top]
        .sort((a, b) => b.ms_per_step - a.ms_per_step)
        .slice(0, 5)
        .map((k) => `${k.name} ${fmtMs(k.ms_per_step)} ms (${k.calls_per_step}×)`)
        .join(', ')}`,
    );
  } else if (r.profile_error) {
    out.push('', `Profile: error: ${r.profile_error}`);
  }
  const h = r.runner_hooks;
  if (h) {
    out.push(
      '',
      `Runner callbacks (runJob, ${h.device}): ${fmtMs(h.hooks_ms_per_step)} of ${fmtMs(h.step_ms)} ms per training step (${share(h.hooks_ms_per_step, h.step_ms)})`,
    );
    out.push(
      ...table([
        ['hook', 'ms/step', 'share', 'µs/call', 'calls'],
        ...h.hooks
          .slice(0, 6)
          .map((x) => [x.hook, x.ms_per_step.toFixed(3), share(x.ms_per_step, h.step_ms), x.us_per_call.toFixed(1), String(x.calls)]),
      ]),
    );
  } else if (r.runner_hooks_error) {
    out.push('', `Runner callbacks: error: ${r.runner_hooks_error}`);
  }
  out.push('', `Bench took ${r.seconds.toFixed(0)} s.`);
  return out.join('\n');
}

function share(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '—';
}

const pct = (x: number | null | undefined): string => (x == null ? '—' : `${Math.round(x * 100)}%`);
const gf = (x: number | null | undefined): string => (x == null ? '—' : x.toFixed(1));

/** The scaling grid: rates and ratios, then GFLOP/s against the peak and the all-cores scaling. */
export function formatGrid(g: GridSummary): string[] {
  const n = g.cores;
  const out: string[] = [];
  const peak = g.peak_gflops_per_core;
  out.push(
    `Scaling grid: runJob on wasm against PyTorch (bench/reference/pytorch_train.py), plain SGD lr ${g.lr}; each cell's warm-up epochs (at least ~1 s of training; the same for PyTorch) + ${g.timed_epochs} timed epochs per run, ${g.repeats} interleaved repeat(s)`,
  );
  out.push(
    `  samples/s: median of the steady epochs; ratios: Runlab / PyTorch, medians of paired repeats (best epoch against best epoch in brackets); 1 thread each, then ${n} cores each`,
  );
  out.push(
    ...table([
      ['cell', 'warm-up', 'Runlab 1 thread', 'PyTorch 1 thread', 'ratio (best)', `Runlab ${n} cores`, `PyTorch ${n} cores`, 'ratio (best)'],
      ...g.cells.map((c) => [
        c.label,
        `${c.warmup_epochs} epochs`,
        fmtRate(c.contenders.runlab_1.median_sps),
        fmtRate(c.contenders.pytorch_1.median_sps),
        `${fmtRatio(c.ratio_1_thread)} (${fmtRatio(c.best_ratio_1_thread)})`,
        fmtRate(c.contenders.runlab_all.median_sps),
        fmtRate(c.contenders.pytorch_all.median_sps),
        `${fmtRatio(c.ratio_all_cores)} (${fmtRatio(c.best_ratio_all_cores)})`,
      ]),
    ]),
  );
  out.push(`  lowest ratio in the grid: ${fmtRatio(g.worst_ratio)}`);
  const mlps = g.cells.filter((c) => c.model === 'mlp');
  if (mlps.length > 0) {
    out.push(
      '',
      "Scaling grid, the first dense layer's products on the image background (as shipped) against the dense products (RUNLAB_SPARSE_INPUT=0), 1 thread each; ratios: medians of paired repeats (best epochs in brackets)",
    );
    out.push(
      ...table([
        ['cell', 'Runlab sparse', 'Runlab dense', 'PyTorch', 'sparse / dense', 'sparse / PyTorch', 'dense / PyTorch'],
        ...mlps.map((c) => [
          c.label,
          fmtRate(c.contenders.runlab_1.median_sps),
          fmtRate(c.contenders.runlab_dense_1.median_sps),
          fmtRate(c.contenders.pytorch_1.median_sps),
          fmtRatio(c.sparse_gain),
          `${fmtRatio(c.ratio_1_thread)} (${fmtRatio(c.best_ratio_1_thread)})`,
          `${fmtRatio(c.ratio_dense_1_thread)} (${fmtRatio(c.best_ratio_dense_1_thread)})`,
        ]),
      ]),
    );
  }
  out.push(
    '',
    `Scaling grid, the products' GFLOP/s and their share of the cores' peak (clock measured at ${g.core_ghz?.toFixed(2) ?? '—'} GHz: ${gf(peak.wasm_simd128)} GFLOP/s per core with 128-bit SIMD for Runlab, ${gf(peak.avx2)} with AVX2 for PyTorch), and ${n} cores against 1 thread`,
  );
  out.push(
    ...table([
      [
        'cell',
        'MFLOP/sample',
        'Runlab 1 thread',
        `Runlab ${n} cores`,
        'PyTorch 1 thread',
        `PyTorch ${n} cores`,
        `Runlab ${n}/1`,
        `PyTorch ${n}/1`,
      ],
      ...g.cells.map((c) => {
        const at = (who: keyof typeof c.contenders) => `${gf(c.contenders[who].gflops)} (${pct(c.contenders[who].peak_share)})`;
        return [
          c.label,
          (c.flops_per_sample / 1e6).toFixed(2),
          at('runlab_1'),
          at('runlab_all'),
          at('pytorch_1'),
          at('pytorch_all'),
          fmtRatio(c.runlab_scaling),
          fmtRatio(c.pytorch_scaling),
        ];
      }),
    ]),
  );
  for (const c of g.cells) for (const [who, s] of Object.entries(c.contenders)) if (s.error) out.push(`  ! ${c.label}, ${who}: ${s.error}`);
  return out;
}

/** 1 thread against every core, paired turn by turn in one process, cell by cell. */
export function formatThreads(s: ThreadsSummary): string[] {
  return [
    `Kernel threads, 1 thread against every core in one process (the bare loop; turns epoch by epoch, ${s.rounds - s.warmup_rounds} timed of ${s.rounds} per cell; ratio: median of pairs)`,
    ...table([
      ['cell', 'Runlab 1 thread', `Runlab ${s.cores} cores`, `${s.cores} cores / 1 thread`, 'best turns'],
      ...s.cells.map((c) => [c.label, fmtRate(c.one_thread_sps), fmtRate(c.all_cores_sps), fmtRatio(c.ratio), fmtRatio(c.best_ratio)]),
    ]),
  ];
}

const us = (x: number | null): string => (x === null ? '—' : `${x.toFixed(1)} µs`);

/** The CNN preset's step, kernel call by kernel call, on 1 thread and on every core. */
export function formatKernelSplit(s: KernelSplitSummary): string[] {
  const line = (r: KernelSplitRow) => [r.call, us(r.one_thread_us), us(r.all_cores_us), fmtRatio(r.speedup)];
  return [
    `Kernel split, ${s.label}: µs per step of each SIMD kernel call, 1 thread against ${s.cores} cores (timers on both; medians of ${s.timed_rounds / 2} turns each; speedup < 1: slower on the cores)`,
    ...table([['call', '1 thread', `${s.cores} cores`, 'speedup'], ...s.calls.map(line), line(s.outside), line(s.step)]),
  ];
}

const secs = (x: number | null | undefined): string => (x == null ? '—' : `${x.toFixed(2)} s`);

/** Start → first stored row, each way of starting a trainer. */
export function formatFirstRow(f: FirstRowSummary): string[] {
  return [
    `Start → first stored row (supervisor.start() to the first run:metrics push, row appended to metrics.jsonl; default job; ${f.repeats} repeats each, taking turns)`,
    ...table([
      ['trainer', 'median', 'best', 'all', 'Start → running (median)'],
      ...FIRST_ROW_VARIANTS.map((v) => {
        const x = f.variants[v];
        return [
          FIRST_ROW_LABELS[v],
          secs(x.median_s),
          secs(x.best_s),
          x.samples_s.map((s) => s.toFixed(2)).join(' '),
          secs(x.running_median_s),
        ];
      }),
    ]),
  ];
}
