/**
 * A trainer process for the telemetry benchmark: speaks the real trainer protocol but, in
 * place of training, sends rows shaped like TelemetryCallback's (an iteration row per step,
 * an epoch row every `perEpoch`) in messages of `rowsPerMessage` — TelemetryCallback's
 * default coalescing — as fast as the IPC channel takes them. Settings: $BENCH_TELEMETRY (JSON).
 */
import type { ChildMessage } from '../../src/main/runs/trainer/trainer-protocol';
import type { MetricRow } from '../../src/shared/records';

const {
  rows: total,
  rowsPerMessage,
  perEpoch,
} = {
  rows: 100_000,
  rowsPerMessage: 256,
  perEpoch: 125,
  ...(JSON.parse(process.env.BENCH_TELEMETRY ?? '{}') as Record<string, number>),
};

const send = (message: ChildMessage) =>
  new Promise<void>((resolve, reject) => process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve())));

async function produce(): Promise<void> {
  const iters = Math.ceil((total * perEpoch) / (perEpoch + 1));
  const epochs = Math.ceil(iters / perEpoch);
  await send({ type: 'started', backend: 'cpu', device: 'telemetry producer', totalIters: iters, batchesPerEpoch: perEpoch, epochs });
  const t0 = performance.now();
  let sent = 0;
  let batch: MetricRow[] = [];
  const push = async (row: MetricRow) => {
    batch.push(row);
    sent++;
    if (batch.length >= rowsPerMessage || sent === total) {
      const rows = batch;
      batch = [];
      await send({ type: 'rows', rows });
    }
  };
  for (let iter = 1; sent < total; iter++) {
    const t = performance.now() - t0;
    await push({ kind: 'iter', iter, epoch: iter / perEpoch, loss: 2 / Math.sqrt(iter), lr: 0.5, t });
    if (iter % perEpoch === 0 && sent < total) {
      const loss = 2 / Math.sqrt(iter);
      await push({
        kind: 'epoch',
        epoch: iter / perEpoch,
        iter,
        train_loss: loss,
        train_accuracy: 0.9,
        valid_loss: loss,
        valid_accuracy: 0.9,
        seconds: 0.5,
        t,
      });
    }
  }
  const summary = {
    epochs,
    iterations: iters,
    final: null,
    best_valid_accuracy: null,
    best_valid_loss: null,
    best_epoch: null,
    samples_per_second: null,
    stopped_by: null,
  };
  await send({ type: 'done', status: 'completed', error: null, summary });
  process.exit(0);
}

process.on('message', (message: { type?: string }) => {
  if (message.type === 'start') void produce();
});
process.on('disconnect', () => process.exit(1));
