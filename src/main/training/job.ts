/**
 * runJob: one training job from a validated config — backend, data, model, Learner, Runner
 * and the standard callbacks — with hooks for whoever watches (CLI, trainer process).
 * This is the engine's only entry point for front doors.
 */
import type { Hyperparams } from '../../shared/hyperparams';
import type { MetricRow, Progress, RunSummary } from '../../shared/records';

export type ResolvedBackend = 'tensorflow' | 'wasm' | 'cpu';

export interface JobStart {
  backend: ResolvedBackend;
  /** Human-readable device, e.g. "wasm (SIMD, 1 thread)" or "GPU: NVIDIA …". */
  device: string;
  epochs: number;
  batchesPerEpoch: number;
  totalIters: number;
  trainSize: number;
  validSize: number;
}

export interface JobOptions {
  /** Called once the backend is up and the data loaded, before begin_fit. */
  onStart?: (info: JobStart) => void;
  /** Coalesced metric rows from TelemetryCallback, in order: iteration rows and epoch rows. */
  onRows?: (rows: MetricRow[]) => void;
  /** Progress, at most every few batches (terminal progress bars). */
  onProgress?: (progress: Progress) => void;
  /** Folder for CheckpointCallback (`last/` and `best/` in TensorFlow.js format); null: none. */
  modelDir?: string | null;
  /** Aborting stops the run after the current batch through CancelTrainException. */
  signal?: AbortSignal;
  /** Telemetry coalescing bounds. */
  telemetry?: { maxRows?: number; maxMs?: number };
}

export interface JobResult {
  status: 'completed' | 'cancelled';
  summary: RunSummary;
  backend: ResolvedBackend;
  device: string;
}

export async function runJob(_config: Hyperparams, _options: JobOptions = {}): Promise<JobResult> {
  throw new Error('runJob: not implemented yet');
}
