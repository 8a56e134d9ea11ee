/** The human table printed by `npm run bench`. */
import { describe, expect, it } from 'vitest';
import { fmtRate, fmtRatio, formatReport, table } from '../../../bench/lib/format-report';
import type { BenchReport } from '../../../bench/lib/report';

const report: BenchReport = {
  machine: {
    cpu: 'AMD EPYC',
    cores: 2,
    os: 'Linux 6 x64',
    node: 'v20.20.2',
    tfjs: '4.22.0',
    tfjs_backend_wasm: '4.22.0',
    load_average: 0.5,
    memory_gb: 8,
    backend: 'wasm',
    device: 'wasm (SIMD, 1 thread)',
  },
  settings: {},
  runner_vs_bare: {
    ratio: 0.97,
    runner_sps: 29_100,
    bare_sps: 30_000,
    core_ratio: 0.99,
    core_sps: 29_800,
    supervised_ratio: 0.95,
    supervised_sps: 28_500,
    epoch_ratio: 0.96,
    supervised_epoch_ratio: 0.94,
    cpu_epoch_ratio: 0.93,
    best_epoch: {
      bare_sps: 52_000,
      core_sps: 51_500,
      runner_sps: 50_440,
      supervised_sps: null,
      core_ratio: 0.99,
      ratio: 0.97,
      supervised_ratio: null,
    },
    final_valid_loss: { bare: 0.31547, runner: 0.31547, supervised: 0.31547 },
    ratio_range: { core: null, runner: [0.91, 1.02], supervised: null },
    repeats: 5,
  },
  interleaved: {
    kernels: "Runlab's SIMD kernels (kernels/simd/kernels.wat) for dense layers and SGD",
    bare_sps: 50_000,
    bare_ops: { ratio: 0.52, ratio_range: [0.45, 0.6], best_ratio: 0.5, sps: 26_000 },
    core: { ratio: 0.98, ratio_range: [0.9, 1.05], best_ratio: 0.99, sps: 49_000 },
    runner: { ratio: 0.96, ratio_range: [0.85, 1.1], best_ratio: 0.955, sps: 48_000 },
    runjob: { ratio: 0.955, ratio_range: [0.8, 1.1], best_ratio: 0.96, sps: 47_700 },
    supervised: { ratio: 0.95, ratio_range: [0.8, 1.2], best_ratio: 0.97, sps: 47_500 },
    supervised_vs_runjob: 0.994,
    timeline_vs_runner: 0.998,
    timeline_cost: { hook_calls_per_step: 14, ns_per_call: 60, step_p50_ms: 0.6, overhead: 0.0015 },
    rounds: 21,
  },
  vs_pytorch: null,
  grid: null,
  first_row: null,
  vs_pytorch_reason: 'no Python with torch found',
  backends: [
    { backend: 'tensorflow', available: false, reason: '@tensorflow/tfjs-node-gpu is not installed' },
    { backend: 'wasm', model: 'mlp', batch_size: 64, samples_per_second: 30_000, repeats: 3, loop: 'runJob' },
  ],
  telemetry_rows_per_second: 60_000,
  telemetry: { rows_per_second: 60_000, rows_per_message: 256, rows: 100_000, repeats: 3, default_job_rows_per_second: 455 },
  peak_rss_mb: 240,
  num_tensors_per_epoch: [4, 4, 4, 4, 4],
  rss_mb_per_epoch: [230, 231, 231, 231, 231],
  memory_checks: {
    num_tensors_identical: true,
    rss_growth_after_epoch_1_mb: 1,
    rss_growth_after_epoch_3_mb: 0,
    source: 'runJob',
    peak_rss_mb_by_contender: { bare: 230, runner: 240, supervised_trainer: null },
    without_optimizing_jit: { rss_mb_per_epoch: [220, 222.5, 222.5, 222.5, 222.6], rss_growth_after_epoch_1_mb: 2.6 },
  },
  profile: null,
  runner_hooks: {
    backend: 'wasm',
    device: 'wasm (SIMD, 1 thread)',
    train_steps: 625,
    step_ms: 4,
    hooks: [{ hook: 'avg_stats.after_loss', calls: 705, ms_per_step: 0.2, us_per_call: 177.3 }],
    hooks_ms_per_step: 0.3,
  },
  seconds: 123,
};

describe('formatReport', () => {
  it('shows the ratios, the reasons for what is missing and the memory checks', () => {
    const text = formatReport(report);
    expect(text).toMatch(/Runner loop alone \(TrainEvalCallback only\)\s+29,800\/s\s+0\.99×/);
    expect(text).toMatch(
      /runJob \(Runner \+ default callbacks\)\s+29,100\/s\s+0\.97× \(0\.91–1\.02\)\s+0\.97× \(50,440\/s\)\s+0\.96×\s+0\.93×\s+0\.315470/,
    );
    expect(text).toMatch(/bare loop\s+30,000\/s\s+1\.00×\s+1\.00× \(52,000\/s\)/);
    expect(text).toMatch(/supervised \(supervisor \+ store \+ trainer process\)\s+28,500\/s\s+0\.95×\s+—\s+0\.94×/);
    expect(text).toContain('runner_vs_bare interleaved in one process (the loops take turns, round after round; 21 timed rounds)');
    expect(text).toMatch(/runJob \(Runner \+ default callbacks\)\s+48,000\/s\s+0\.96× \(0\.85–1\.10\)\s+0\.95×/);
    expect(text).toMatch(
      /supervised \(runJob through supervisor \+ store, trainer session in this process\)\s+47,500\/s\s+0\.95× \(0\.80–1\.20\)\s+0\.97×/,
    );
    expect(text).toMatch(/runJob, a whole run \(2 epochs, the 2nd timed\)\s+47,700\/s\s+0\.95× \(0\.80–1\.10\)\s+0\.96×/);
    expect(text).toContain('supervised vs runJob, round by round: 0.99× (what the supervisor and store add');
    expect(text).toMatch(
      /bare loop on TensorFlow\.js's kernels \(Runlab's SIMD kernels off\)\s+26,000\/s\s+0\.52× \(0\.45–0\.60\)\s+0\.50×/,
    );
    expect(text).toContain("kernels: Runlab's SIMD kernels (kernels/simd/kernels.wat) for dense layers and SGD");
    expect(text).toContain(
      'callback timeline on vs off, round by round: 1.00×; measured directly: 14.0 timed hook calls a step × 60 ns over a 0.600 ms step = 0.15 % (target ≤ 1 %)',
    );
    expect(formatReport({ ...report, interleaved: null, interleaved_error: 'exit code 1: boom' })).toContain(
      'runner_vs_bare interleaved: failed — exit code 1: boom',
    );
    expect(text).toContain('vs_pytorch: not measured — no Python with torch found');
    expect(text).toContain('tensorflow: unavailable — @tensorflow/tfjs-node-gpu is not installed');
    expect(text).toMatch(/wasm\s+mlp\s+64\s+30,000\/s\s+runJob\s+3/);
    expect(text).toContain('numTensors: 4 4 4 4 4  (identical in every epoch of every repeat)');
    expect(text).toContain('peak RSS:   240.0 MB (bare loop 230.0 MB, supervised trainer process —)');
    expect(text).toContain('RSS MB:     230.0 231.0 231.0 231.0 231.0  (growth after epoch 1: 1.0 MB, after epoch 3: 0.0 MB)');
    expect(text).toContain(
      "RSS MB with V8's optimizing JIT off (node --no-opt): 220.0 222.5 222.5 222.5 222.6  (growth after epoch 1: 2.6 MB)",
    );
    expect(text).toContain('60,000/s; the default job makes 455/s');
    expect(text).toContain('Runner callbacks (runJob, wasm (SIMD, 1 thread)): 0.30 of 4.00 ms per training step (8%)');
    expect(text).toMatch(/avg_stats\.after_loss\s+0\.200\s+5%\s+177\.3\s+705/);
  });

  it("shows the step profile, the SIMD kernel beside tfjs's matMul, and dispatch below its noise as 0", () => {
    const split = (matmul: number, other: number, kernels: number) => ({
      kernels_per_step: kernels,
      matmul_ms: matmul,
      other_kernels_ms: other,
      top: [],
    });
    const text = formatReport({
      ...report,
      profile: {
        backend: 'wasm',
        device: 'wasm (SIMD, 1 thread)',
        model: 'mlp',
        batch_size: 64,
        steps: 125,
        rounds: 3,
        step_ms: 0.95,
        samples_per_second: 67_285,
        phases_ms: { data: 0.1, forward_backward: 0.76, update: 0.09, release: 0.01 },
        // Kernel time from the profiled pass exceeds this pass's wall time by noise.
        forward_backward: split(0.73, 0.04, 5),
        update: split(0, 0.07, 4),
        matmul_probe: { shape: '[64,784]×[784,50]', same_weights_us: 403, fresh_weights_us: 713, simd_fresh_weights_us: 332 },
      },
    });
    expect(text).toMatch(/forward \+ backward: dispatch \(tfjs JS per kernel\)\s+0\.00\s+0%\s+5 kernels\/step/);
    expect(text).toMatch(/update: dispatch\s+0\.02\s+2%\s+4 kernels\/step/);
    expect(text).toContain('tfjs fused matMul 403 µs with a reused weights buffer, 713 µs with a freshly written one');
    expect(text).toContain('the same with the SIMD dense kernel: 332 µs with a freshly written buffer');
  });

  it("shows the metrics-at-scale section: each phase's time, the host's longest stall and the other client's wait", () => {
    const phase = (ms: number, stall: number, wait: number, note?: string) => ({
      ms,
      host_cpu_ms: ms / 2,
      max_stall_ms: stall,
      p99_stall_ms: stall / 4,
      max_client_wait_ms: wait,
      repeats: 1,
      ...(note ? { note } : {}),
    });
    const text = formatReport({
      ...report,
      store_metrics: {
        load_average: '1.00 1.00 1.00',
        buckets: 2000,
        sizes: [
          {
            rows: 5_000_000,
            file_mb: 540.2,
            host_rss_mb: 410,
            phases: {
              open_cold: phase(9100, 61.5, 80),
              open_warm: phase(120, 12, 15),
              open_restarted: phase(800, 40, 52),
              zoom: phase(9, 3, 4),
              page: phase(40, 8, 9),
              append_then_view: phase(300, 20, 25),
              get_metrics: phase(30, 5, 6, 'refused: too many rows'),
            },
          },
        ],
      },
    });
    expect(text).toContain('Metrics at scale (host process, 2000-bucket views; load 1.00 1.00 1.00):');
    expect(text).toContain('5,000,000 rows (540.2 MB metrics.jsonl), host RSS after: 410 MB');
    expect(text).toMatch(
      /open in Compare, cold \(first read\)\s+9100 ms \(host CPU\s+4550 ms\)\s+longest stall\s+61\.5 ms \(p99 15\.375 ms\)\s+other client waited ≤ 80 ms/,
    );
    expect(text).toMatch(
      /getMetrics \(all rows\)\s+30 ms \(host CPU\s+15 ms\)\s+longest stall\s+5 ms \(p99 1\.25 ms\)\s+other client waited ≤ 6 ms\s+\(refused: too many rows\)/,
    );
    expect(formatReport({ ...report, store_metrics: null, store_metrics_error: 'host exited' })).toContain(
      'Metrics at scale: error: host exited',
    );
  });

  it('formats missing numbers as a dash', () => {
    expect(fmtRate(null)).toBe('—');
    expect(fmtRatio(undefined)).toBe('—');
    expect(fmtRatio(0.956)).toBe('0.96×');
  });
});

describe('table', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(
      table(
        [
          ['a', 'bb', 'c'],
          ['ccc', 'd', 'e'],
        ],
        '',
      ),
    ).toEqual(['a    bb  c', 'ccc  d   e']);
  });
});
