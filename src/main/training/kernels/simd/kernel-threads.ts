/**
 * KernelThreads: worker threads that run the SIMD kernels on a shared wasm memory, for the
 * chunks of one kernel call at a time. The calling thread writes the kernel and its
 * arguments into a small shared control block, wakes the workers, and then takes chunks
 * like they do until none is left; a call returns when every chunk is done — synchronous,
 * as its callers (tfjs kernels) need.
 *
 * Chunks are claimed, not assigned: on a busy machine a worker may not run for a while,
 * and the caller then does the chunks itself instead of waiting for it (it waits only for
 * chunks a worker has started). A kernel computes each output the same way whatever the
 * chunk it falls in, so the results do not depend on the number of threads or on who ran
 * what. Workers spin briefly between calls (a training step calls a kernel every few tens
 * of microseconds; waking a sleeping thread costs about as long) and then sleep.
 *
 * Written here rather than taken from a library: a pool of message-passing workers (piscina
 * and the like) costs tens of microseconds per task in messages and promises, and a kernel
 * call must stay synchronous.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Control block, in int32 slots; the arguments follow as float64 from ARGS_BYTE.
 * TICKET holds [call:16 | chunks:8 | next chunk:8]: a chunk is claimed by one
 * compare-exchange, which also proves the call is still the one whose arguments are read.
 */
const TICKET = 0;
const DONE = 1; // chunks finished in this call
const FN = 2; // index of the kernel in PARALLEL_KERNELS
const ARGC = 3;
const STOP = 4;
const FAILED = 5; // a worker's kernel threw
const READY = 6; // workers that have instantiated the module
const ARGS_BYTE = 64;
const MAX_ARGS = 16;
const MAX_CHUNKS = 255;
/** How long a call waits for a started chunk before declaring the workers lost. */
const CHUNK_TIMEOUT_MS = 30_000;
/** How long the constructor waits for the workers to start. */
const START_TIMEOUT_MS = 10_000;
/** Spins a thread waits before sleeping: ~50–100 µs of Atomics.load. */
const SPINS = 20_000;

/** Kernels that can run in chunks: each takes (chunk, chunks) after its arguments. */
export const PARALLEL_KERNELS = [
  'gemm_nn',
  'gemm_tn',
  'gemm_nn_packed',
  'gemm_tn_packed',
  'conv_fwd',
  'conv_dw',
  'conv_dw_pixels',
  'conv_dx',
  'col2im',
  'pad_nhwc',
  'unpad_nhwc',
  'gather_bytes_to_floats',
  'sparse_mm',
  'relu_grad_blocks',
] as const;

/**
 * The worker's code: instantiate the kernels on the shared memory, then claim and run
 * chunks until told to stop. Plain CommonJS for `eval` (no file to find once bundled).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, names, spins } = workerData;
const ctl = new Int32Array(control, 0, ${ARGS_BYTE / 4});
const args = new Float64Array(control, ${ARGS_BYTE}, ${MAX_ARGS});
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((name) => exports[name]);
Atomics.add(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
let finished = 0; // the last call this worker found no chunk left in
for (;;) {
  let ticket = Atomics.load(ctl, ${TICKET});
  for (let i = 0; ticket >>> 16 === finished && i < spins; i++) ticket = Atomics.load(ctl, ${TICKET});
  while (ticket >>> 16 === finished) {
    Atomics.wait(ctl, ${TICKET}, ticket);
    ticket = Atomics.load(ctl, ${TICKET});
  }
  if (Atomics.load(ctl, ${STOP})) break;
  const chunks = (ticket >>> 8) & 255;
  const chunk = ticket & 255;
  if (chunk >= chunks) { finished = ticket >>> 16; continue; }
  if (Atomics.compareExchange(ctl, ${TICKET}, ticket, ticket + 1) !== ticket) continue;
  const argc = ctl[${ARGC}];
  const call = new Array(argc + 2);
  for (let i = 0; i < argc; i++) call[i] = args[i];
  call[argc] = chunk;
  call[argc + 1] = chunks;
  try {
    fns[ctl[${FN}]](...call);
  } catch (err) {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}
`;

let wanted: number | null = null;

function fromEnv(): number | null {
  const raw = process.env.RUNLAB_THREADS;
  if (raw === undefined || raw.trim() === '' || raw === '0') return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : null;
}

/** The cores to use: setKernelThreads's choice, else $RUNLAB_THREADS, else every core. */
export function kernelThreadsWanted(): number {
  return wanted ?? fromEnv() ?? availableParallelism();
}

const pools = new Set<KernelThreads>();

/**
 * Runs the kernels on `n` threads (null: every core, or $RUNLAB_THREADS), from the next
 * kernel call on. Pools already running use min(n, their size). Returns the previous choice.
 */
export function setKernelThreads(n: number | null): number | null {
  if (n !== null && !(Number.isInteger(n) && n >= 1)) throw new Error(`threads must be a whole number ≥ 1, got ${n}`);
  const previous = wanted;
  wanted = n;
  for (const pool of pools) pool.active = Math.min(kernelThreadsWanted(), pool.size);
  return previous;
}

export class KernelThreads {
  /** Threads in the pool, the caller's included. */
  readonly size: number;
  /** Threads a call uses now (≤ size); 1 runs every call on the caller's thread. */
  active: number;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly workers: Worker[];
  private readonly exports: Record<string, (...args: number[]) => void>;
  private readonly index = new Map<string, number>(PARALLEL_KERNELS.map((name, i) => [name, i]));
  private call = 0;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, size: number) {
    if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('KernelThreads needs a shared memory');
    const control = new SharedArrayBuffer(ARGS_BYTE + MAX_ARGS * 8);
    this.ctl = new Int32Array(control, 0, ARGS_BYTE / 4);
    this.args = new Float64Array(control, ARGS_BYTE, MAX_ARGS);
    this.exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    this.workers = Array.from({ length: size - 1 }, () => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control, names: PARALLEL_KERNELS, spins: SPINS },
      });
      worker.unref();
      return worker;
    });
    // Block until every worker runs (a few tens of ms, once per backend).
    const deadline = performance.now() + START_TIMEOUT_MS;
    for (let ready = Atomics.load(this.ctl, READY); ready < size - 1; ready = Atomics.load(this.ctl, READY)) {
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(this.ctl, READY, ready, left) === 'timed-out') {
        this.close();
        throw new Error(`kernel threads did not start within ${START_TIMEOUT_MS / 1000} s`);
      }
    }
    this.size = size;
    this.active = Math.min(kernelThreadsWanted(), size);
    pools.add(this);
  }

  /**
   * Runs kernel `name` over `args` in `chunks` chunks (≤ 255) on the active threads;
   * returns when all are done.
   */
  run(name: string, args: readonly number[], chunks: number): void {
    const e = this.exports[name]!;
    if (this.active <= 1 || chunks <= 1) {
      e(...args, 0, 1);
      return;
    }
    const fn = this.index.get(name);
    if (fn === undefined || args.length > MAX_ARGS) throw new Error(`${name} cannot run on kernel threads`);
    const n = Math.min(chunks, MAX_CHUNKS);
    const { ctl } = this;
    this.call = (this.call % 0xffff) + 1;
    this.args.set(args);
    ctl[FN] = fn;
    ctl[ARGC] = args.length;
    Atomics.store(ctl, DONE, 0);
    const first = (this.call << 16) | (n << 8);
    Atomics.store(ctl, TICKET, first);
    Atomics.notify(ctl, TICKET);
    // Take chunks like the workers do; after an error, only count the rest off.
    let error: unknown = null;
    for (let ticket = first; (ticket & 255) < n; ticket = Atomics.load(ctl, TICKET)) {
      if (Atomics.compareExchange(ctl, TICKET, ticket, ticket + 1) !== ticket) continue;
      try {
        if (error === null) e(...args, ticket & 255, n);
      } catch (err) {
        error = err;
      }
      Atomics.add(ctl, DONE, 1);
    }
    // Even after an error: the next call may not start while a worker still runs this one.
    this.waitDone(n);
    const failed = Atomics.exchange(ctl, FAILED, 0) !== 0;
    if (error !== null) throw error;
    if (failed) throw new Error(`${name} failed on a kernel thread`);
  }

  private waitDone(chunks: number): void {
    const { ctl } = this;
    let done = Atomics.load(ctl, DONE);
    for (let i = 0; done !== chunks && i < SPINS; i++) done = Atomics.load(ctl, DONE);
    const deadline = performance.now() + CHUNK_TIMEOUT_MS;
    while (done !== chunks) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`kernel threads did not finish within ${CHUNK_TIMEOUT_MS / 1000} s`);
      Atomics.wait(ctl, DONE, done, left);
      done = Atomics.load(ctl, DONE);
    }
  }

  /** Stops the workers. */
  close(): void {
    pools.delete(this);
    Atomics.store(this.ctl, STOP, 1);
    Atomics.store(this.ctl, TICKET, 0x7fff0000);
    Atomics.notify(this.ctl, TICKET);
    for (const w of this.workers) void w.terminate();
  }
}
