/** `npm run bench` flags: parsed into settings, with errors that name the flag and what it takes. */

export const SECTIONS = ['jobs', 'grid', 'threads', 'first-row', 'backends', 'telemetry', 'profile', 'store', 'history'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchSettings {
  json: boolean;
  quick: boolean;
  /** Interleaved repeats of the job contenders (bare, runner, supervised, pytorch). */
  repeats: number;
  /**
   * Epochs per job run, the first `warmupEpochs` untimed: V8 takes ~1,000 steps (7–9 of the
   * default job's 40 ms epochs, measured in fresh processes) to compile the hot JavaScript
   * around the kernels, and PyTorch gets the same warm-up. numTensors and RSS are read
   * after each; the report lists the first 5.
   */
  epochs: number;
  warmupEpochs: number;
  /** Repeats of each backend × model × batch-size cell (a slow cell is not repeated). */
  sweepRepeats: number;
  /** Per sweep cell: warm-up ms (JIT, wasm tier-up), then timed ms. */
  sweepWarmupMs: number;
  sweepBudgetMs: number;
  /** Which loop the backend sweep times: the engine (runJob) or the bare loop. */
  sweepLoop: 'runner' | 'bare';
  /** Rounds of bench/interleaved.ts (bare, Runner loop, runJob's callbacks taking turns in one process), warm-up included. */
  interleavedRounds: number;
  telemetryRows: number;
  telemetryRepeats: number;
  /** The scaling grid (grid.ts): interleaved repeats, and each run's timed epochs (each cell has its own warm-up). */
  gridRepeats: number;
  gridTimedEpochs: number;
  /** Repeats of Start → first stored row, each way (cold from TypeScript, cold bundled, warm). */
  firstRowRepeats: number;
  sections: Section[];
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [--json] [--quick] [--repeats N] [--only ${SECTIONS.join(',')}] [--sweep-loop runner|bare]
  --json          print the report as one JSON object on the last line of stdout
  --quick         fewer repeats and shorter sweeps
  --repeats N     interleaved repeats of the job contenders (default 5; 3 with --quick)
  --only LIST     run only these sections (comma-separated): ${SECTIONS.join(', ')}
  --sweep-loop L  time the backend sweep with the engine's runJob (runner, default) or the bare loop`;

function int(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) {
    throw new Error(`${flag} takes a whole number ≥ ${min}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchSettings {
  let json = false;
  let quick = false;
  let help = false;
  let repeats: number | null = null;
  let sections: Section[] = [...SECTIONS];
  let sweepLoop: BenchSettings['sweepLoop'] = 'runner';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--json':
        json = true;
        break;
      case '--quick':
        quick = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      case '--repeats':
        repeats = int('--repeats', value(), 1);
        break;
      case '--only': {
        const list = (value() ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = list.filter((s) => !(SECTIONS as readonly string[]).includes(s));
        if (list.length === 0 || bad.length > 0) {
          throw new Error(
            `--only takes a comma-separated list of ${SECTIONS.join(', ')}${bad.length ? `; unknown: ${bad.join(', ')}` : ''}`,
          );
        }
        sections = list as Section[];
        break;
      }
      case '--sweep-loop': {
        const v = value();
        if (v !== 'runner' && v !== 'bare') throw new Error(`--sweep-loop takes runner or bare, got ${JSON.stringify(v ?? null)}`);
        sweepLoop = v;
        break;
      }
      default:
        throw new Error(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
    }
  }
  const r = repeats ?? (quick ? 3 : 5);
  return {
    json,
    quick,
    repeats: r,
    epochs: quick ? 10 : 16,
    warmupEpochs: quick ? 7 : 12,
    sweepRepeats: quick ? 1 : Math.min(r, 3),
    sweepWarmupMs: quick ? 1000 : 1500,
    sweepBudgetMs: quick ? 1000 : 2000,
    sweepLoop,
    interleavedRounds: quick ? 10 : 24,
    telemetryRows: quick ? 50_000 : 100_000,
    telemetryRepeats: quick ? 1 : Math.min(r, 3),
    gridRepeats: quick ? 1 : 2,
    gridTimedEpochs: quick ? 2 : 3,
    firstRowRepeats: quick ? 2 : 5,
    sections,
    help,
  };
}
