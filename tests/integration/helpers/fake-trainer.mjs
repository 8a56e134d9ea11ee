// A real trainer process that speaks the trainer protocol without TensorFlow.js, so the
// supervisor's queueing, cancel, crash and protocol handling can be tested in milliseconds.
// Behaviour comes from $FAKE_TRAINER (JSON): { mode, iters, epochs, rowsPerMessage, delayMs, loading }.
// `loading: n` reports decoding n files (0, n/2, n) before it starts, and then the data it "loaded".
const opts = { mode: 'stream', iters: 100, epochs: 2, rowsPerMessage: 10, delayMs: 0, ...JSON.parse(process.env.FAKE_TRAINER ?? '{}') };
let cancelled = false;
const send = (message) => new Promise((resolve) => process.send(message, undefined, {}, () => resolve()));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function summary(iterations, epochs) {
  const final = { train_loss: 0.5, train_accuracy: 0.8, valid_loss: 0.4, valid_accuracy: 0.85 };
  return {
    epochs,
    iterations,
    final,
    best_valid_accuracy: 0.85,
    best_valid_loss: 0.4,
    best_epoch: epochs,
    samples_per_second: 1000,
    stopped_by: cancelled ? 'user' : null,
  };
}

const DATA = {
  classes: ['cat', 'dog'],
  input_shape: [784],
  image: { width: 28, height: 28, channels: 1, mean: [0.2], std: [0.3] },
  train_size: 8,
  valid_size: 2,
  skipped_count: 0,
  skipped: [],
};

async function stream() {
  const perEpoch = Math.ceil(opts.iters / opts.epochs);
  if (opts.loading) {
    for (const done of [0, Math.floor(opts.loading / 2), opts.loading]) {
      await send({ type: 'loading', done, total: opts.loading });
      await sleep(opts.delayMs);
    }
  }
  await send({
    type: 'started',
    backend: 'cpu',
    device: 'fake trainer',
    totalIters: opts.iters,
    batchesPerEpoch: perEpoch,
    epochs: opts.epochs,
    ...(opts.loading ? { data: DATA } : {}),
  });
  let rows = [];
  let epochsDone = 0;
  let iter;
  const t0 = Date.now();
  for (iter = 1; iter <= opts.iters && !cancelled; iter++) {
    rows.push({ kind: 'iter', iter, epoch: iter / perEpoch, loss: 1 / iter, lr: 0.1, t: Date.now() - t0 });
    if (iter % perEpoch === 0 || iter === opts.iters) {
      epochsDone += 1;
      rows.push({
        kind: 'epoch',
        epoch: epochsDone,
        iter,
        train_loss: 1 / iter,
        train_accuracy: 0.5,
        valid_loss: 1 / iter,
        valid_accuracy: 0.5,
        seconds: 0.1,
        t: Date.now() - t0,
      });
    }
    if (rows.length >= opts.rowsPerMessage) {
      await send({ type: 'rows', rows });
      rows = [];
      if (opts.delayMs > 0) await sleep(opts.delayMs);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (rows.length > 0) await send({ type: 'rows', rows });
  await send({
    type: 'done',
    status: cancelled ? 'cancelled' : 'completed',
    error: null,
    summary: summary(Math.min(iter - 1, opts.iters), epochsDone),
  });
  process.exit(0);
}

async function ignoreCancel() {
  await send({ type: 'started', backend: 'cpu', device: 'stubborn trainer', totalIters: 1000, batchesPerEpoch: 1000, epochs: 1 });
  for (let iter = 1; ; iter++) {
    await send({ type: 'rows', rows: [{ kind: 'iter', iter, epoch: iter / 1000, loss: 1, lr: 0.1, t: iter }] });
    await sleep(20);
  }
}

process.on('message', (message) => {
  if (message.type === 'cancel') {
    cancelled = true;
    return;
  }
  switch (opts.mode) {
    case 'stream':
      return void stream();
    case 'ignore-cancel':
      return void ignoreCancel();
    case 'garbage':
      return void send({ type: 'rows', rows: [{ kind: 'iter', iter: -3, loss: 'lots' }] });
    case 'not-an-object':
      return void send('hello from a confused child');
    case 'crash':
      process.stderr.write('fake trainer: something went badly wrong\n');
      return void send({ type: 'started', backend: 'cpu', device: 'fake', totalIters: 10, batchesPerEpoch: 10, epochs: 1 }).then(() =>
        process.exit(3),
      );
    case 'error':
      return void send({ type: 'error', message: 'Data file /nowhere/train.csv not found' }).then(() => process.exit(1));
  }
});
// Keep running until told otherwise (like the real trainer).
process.on('disconnect', () => process.exit(1));
