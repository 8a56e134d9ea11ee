/**
 * MetricsIndex: what the store knows of one metrics.jsonl without holding its text — the
 * chart columns of every row (float32; iteration rows 20 bytes each), a byte offset every
 * PAGE_STRIDE rows (pages seek there), each axis's extent, and the lines that are not metric
 * rows (counted and read around, never fatal). It is built by one pass over the file in
 * 256 kB reads that yield to the event loop, and brought up to date by reading only what was
 * appended since: metrics.jsonl only grows (a replaced or shorter file is read again).
 *
 * A line without its newline at the end of the file is a write in progress or a torn one
 * (a crash mid-append): it is left out until a newline follows it, unless it is a whole row.
 */
import { type EpochRow, type IterRow, type MetricRow } from '../../../shared/records';
import { openRegularFile } from '../../fs/regular-file';
import { float32, float64, uint32 } from './columns';
import { parseMetricLine, scanIterLine, type IterValues } from './metric-line';
import { TimeSlice } from './time-slice';

/** A byte offset is kept every this many rows of each kind: a page starts at most this many rows early. */
export const PAGE_STRIDE = 1024;
/** A line longer than this is no metric row (they are ~100 bytes); it is skipped, not buffered. */
export const MAX_LINE_BYTES = 1024 * 1024;
const READ_BYTES = 64 * 1024;
/** Bad lines whose numbers are kept for the message; the rest are counted. */
const BAD_LINES_KEPT = 5;

export type RowKind = 'all' | 'iter' | 'epoch';
export const AXES = ['iter', 'epoch', 'time'] as const;
export type Axis = (typeof AXES)[number];

export interface BadLine {
  line: number;
  why: string;
}

/** Min and max of x per axis, and whether x never went down (rows in x order: ranges binary-search). */
export class Extent {
  min = [Infinity, Infinity, Infinity];
  max = [-Infinity, -Infinity, -Infinity];
  sorted = [true, true, true];
  last = [-Infinity, -Infinity, -Infinity];

  note(axis: number, x: number): void {
    if (x < this.min[axis]!) this.min[axis] = x;
    if (x > this.max[axis]!) this.max[axis] = x;
    if (x < this.last[axis]!) this.sorted[axis] = false;
    this.last[axis] = x;
  }
}

export class IterColumns {
  readonly iter = uint32();
  readonly epoch = float32();
  /** NaN for a diverged loss. */
  readonly loss = float32();
  readonly lr = float32();
  /** Milliseconds since the fit began. */
  readonly t = float32();
  readonly extent = new Extent();

  get length(): number {
    return this.iter.length;
  }

  push(v: IterValues): void {
    this.iter.push(v.iter);
    this.epoch.push(v.epoch);
    this.loss.push(v.loss);
    this.lr.push(v.lr);
    this.t.push(v.t);
    this.extent.note(0, v.iter);
    this.extent.note(1, Math.fround(v.epoch));
    this.extent.note(2, Math.fround(v.t) / 1000);
  }

  /** x of row i on an axis (time in seconds), as the columns hold it. */
  x(axis: number, i: number): number {
    return axis === 0 ? this.iter.get(i) : axis === 1 ? this.epoch.get(i) : this.t.get(i) / 1000;
  }

  get bytes(): number {
    return this.iter.bytes + this.epoch.bytes + this.loss.bytes + this.lr.bytes + this.t.bytes;
  }
}

/** Epoch rows are few (one per epoch): kept exactly, in float64. */
export class EpochColumns {
  readonly epoch = float64();
  readonly iter = float64();
  readonly train_loss = float64();
  readonly train_accuracy = float64();
  readonly valid_loss = float64();
  readonly valid_accuracy = float64();
  readonly seconds = float64();
  readonly t = float64();
  readonly extent = new Extent();

  get length(): number {
    return this.epoch.length;
  }

  push(r: EpochRow): void {
    this.epoch.push(r.epoch);
    this.iter.push(r.iter);
    this.train_loss.push(r.train_loss ?? NaN);
    this.train_accuracy.push(r.train_accuracy ?? NaN);
    this.valid_loss.push(r.valid_loss ?? NaN);
    this.valid_accuracy.push(r.valid_accuracy ?? NaN);
    this.seconds.push(r.seconds);
    this.t.push(r.t);
    this.extent.note(0, r.iter);
    this.extent.note(1, r.epoch);
    this.extent.note(2, r.t / 1000);
  }

  x(axis: number, i: number): number {
    return axis === 0 ? this.iter.get(i) : axis === 1 ? this.epoch.get(i) : this.t.get(i) / 1000;
  }

  row(i: number): EpochRow {
    const loss = (v: number): number | null => (Number.isNaN(v) ? null : v);
    return {
      kind: 'epoch',
      epoch: this.epoch.get(i),
      iter: this.iter.get(i),
      train_loss: loss(this.train_loss.get(i)),
      train_accuracy: loss(this.train_accuracy.get(i)),
      valid_loss: loss(this.valid_loss.get(i)),
      valid_accuracy: loss(this.valid_accuracy.get(i)),
      seconds: this.seconds.get(i),
      t: this.t.get(i),
    };
  }

  get bytes(): number {
    return 8 * this.epoch.bytes;
  }
}

/** An index as saved to disk (metrics-index-file.ts): its numbers, and its columns in a fixed order. */
export interface SavedIndex {
  header: {
    identity: string | null;
    covered: number;
    lines: number;
    skipped: number;
    badLines: BadLine[];
    lastIterLine: [number, number] | null;
    offsets: Record<RowKind, number[]>;
    iterExtent: ExtentJson;
    epochExtent: ExtentJson;
    iterRows: number;
    epochRows: number;
  };
  /** Per column, its values as consecutive slices. */
  columns: (Float32Array | Float64Array | Uint32Array)[][];
}

type ExtentJson = { min: number[]; max: number[]; sorted: boolean[]; last: number[] };
// JSON has no Infinity: an empty extent is saved with nulls.
const extentToJson = (e: Extent): ExtentJson =>
  JSON.parse(JSON.stringify({ min: e.min, max: e.max, sorted: e.sorted, last: e.last })) as ExtentJson;
function extentFromJson(e: Extent, json: ExtentJson): void {
  const or = (values: (number | null)[], fallback: number) => values.map((v) => (v === null ? fallback : v));
  e.min = or(json.min, Infinity);
  e.max = or(json.max, -Infinity);
  e.last = or(json.last, -Infinity);
  e.sorted = json.sorted;
}

export class MetricsIndex {
  iter = new IterColumns();
  epoch = new EpochColumns();
  /** Byte offsets of rows 0, PAGE_STRIDE, 2·PAGE_STRIDE… counted over all rows, iteration rows, epoch rows. */
  offsets: Record<RowKind, number[]> = { all: [], iter: [], epoch: [] };
  /** Where the last iteration row's line starts and ends (its exact values are read from there). */
  lastIterLine: [number, number] | null = null;
  /** Bytes read so far: up to the end of the last whole line. */
  covered = 0;
  lines = 0;
  skipped = 0;
  badLines: BadLine[] = [];
  private identity: string | null = null;
  /** While a line longer than MAX_LINE_BYTES is being skipped. */
  private overlong = false;
  private readonly values: IterValues = { iter: 0, epoch: 0, loss: 0, lr: 0, t: 0 };

  constructor(readonly file: string) {}

  get rows(): number {
    return this.iter.length + this.epoch.length;
  }

  count(kind: RowKind): number {
    return kind === 'all' ? this.rows : kind === 'iter' ? this.iter.length : this.epoch.length;
  }

  /** Memory held, for the cache's budget. */
  get bytes(): number {
    return this.iter.bytes + this.epoch.bytes + 8 * (this.offsets.all.length + this.offsets.iter.length + this.offsets.epoch.length);
  }

  /** What saving needs: every number and column (a few tens of MB for millions of rows). */
  toSaved(): SavedIndex {
    const i = this.iter;
    const e = this.epoch;
    return {
      header: {
        identity: this.identity,
        covered: this.covered,
        lines: this.lines,
        skipped: this.skipped,
        badLines: [...this.badLines],
        lastIterLine: this.lastIterLine,
        // Copies: the arrays grow as rows are appended, and a save finishes later.
        offsets: { all: [...this.offsets.all], iter: [...this.offsets.iter], epoch: [...this.offsets.epoch] },
        iterExtent: extentToJson(i.extent),
        epochExtent: extentToJson(e.extent),
        iterRows: i.length,
        epochRows: e.length,
      },
      columns: [i.iter, i.epoch, i.loss, i.lr, i.t, ...epochColumns(e)].map((c) => c.slices()),
    };
  }

  /** The index a save held (each column one array); the next refresh reads only what was appended since. */
  static fromSaved(
    file: string,
    saved: Omit<SavedIndex, 'columns'> & { columns: (Float32Array | Float64Array | Uint32Array)[] },
  ): MetricsIndex {
    const index = new MetricsIndex(file);
    const h = saved.header;
    Object.assign(index, {
      identity: h.identity,
      covered: h.covered,
      lines: h.lines,
      skipped: h.skipped,
      badLines: h.badLines,
      lastIterLine: h.lastIterLine,
      offsets: h.offsets,
    });
    const targets = [index.iter.iter, index.iter.epoch, index.iter.loss, index.iter.lr, index.iter.t, ...epochColumns(index.epoch)];
    targets.forEach((column, k) => (column as { adopt(data: unknown): void }).adopt(saved.columns[k]!));
    extentFromJson(index.iter.extent, h.iterExtent);
    extentFromJson(index.epoch.extent, h.epochExtent);
    return index;
  }

  /** Reads what was appended since the last call (all of it, the first time). False if the file is missing. */
  async refresh(slice = new TimeSlice()): Promise<boolean> {
    const opened = await openRegularFile(this.file);
    if (!opened.ok) {
      if (opened.problem === 'missing') {
        this.reset(null);
        return false;
      }
      throw Object.assign(new Error(`${this.file} cannot be read (${opened.kind ?? opened.code ?? opened.problem})`), {
        code: opened.code,
      });
    }
    const { handle } = opened;
    try {
      const info = await handle.stat();
      const identity = `${info.dev}:${info.ino}`;
      if (identity !== this.identity || info.size < this.covered) this.reset(identity);
      let position = this.covered;
      let carry: Buffer | null = null;
      const chunk = Buffer.allocUnsafe(READ_BYTES);
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const fresh = chunk.subarray(0, bytesRead);
        const buf: Buffer = carry ? Buffer.concat([carry, fresh]) : fresh;
        const base = position - buf.length;
        const lastNewline = buf.lastIndexOf(10);
        if (lastNewline < 0) {
          carry = this.holdPartial(buf);
          continue;
        }
        this.readLines(buf, base, lastNewline);
        this.covered = base + lastNewline + 1;
        // Copied: `chunk` is reused by the next read.
        carry = this.holdPartial(Buffer.from(buf.subarray(lastNewline + 1)));
        await slice.maybeYield();
      }
      // A whole row without its newline (written by hand) counts; anything else waits for more.
      if (carry && carry.length > 0 && !this.overlong) {
        const parsed = parseMetricLine(carry.toString('utf8'));
        if (parsed.ok) {
          this.lines++;
          this.add(parsed.row, this.covered, this.covered + carry.length);
          this.covered += carry.length;
        }
      }
      return true;
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** What of a line's start to keep while its end has not been read; nothing once it is overlong. */
  private holdPartial(buf: Buffer): Buffer | null {
    if (this.overlong) return null;
    if (buf.length <= MAX_LINE_BYTES) return buf;
    this.overlong = true;
    return null;
  }

  private reset(identity: string | null): void {
    this.iter = new IterColumns();
    this.epoch = new EpochColumns();
    this.offsets = { all: [], iter: [], epoch: [] };
    this.lastIterLine = null;
    this.covered = 0;
    this.lines = 0;
    this.skipped = 0;
    this.badLines = [];
    this.identity = identity;
    this.overlong = false;
  }

  /** The whole lines in buf[0, lastNewline]; `base` is buf's offset in the file. */
  private readLines(buf: Buffer, base: number, lastNewline: number): void {
    let start = 0;
    while (start <= lastNewline) {
      const newline = buf.indexOf(10, start);
      let end = newline;
      this.lines++;
      if (this.overlong) {
        // The rest of a line too long to be a row: one bad line, whatever it held.
        this.overlong = false;
        this.bad(`is longer than ${MAX_LINE_BYTES / 1024 / 1024} MB; a metric row is about 100 bytes`);
        start = newline + 1;
        continue;
      }
      if (end > start && buf[end - 1] === 13) end--; // a CRLF line ending
      if (end > start) this.readLine(buf, start, end, base);
      start = newline + 1;
    }
  }

  private readLine(buf: Buffer, start: number, end: number, base: number): void {
    if (end - start > MAX_LINE_BYTES) return this.bad(`is longer than ${MAX_LINE_BYTES / 1024 / 1024} MB; a metric row is about 100 bytes`);
    if (scanIterLine(buf, start, end, this.values)) {
      this.noteOffset('all', base + start);
      this.noteOffset('iter', base + start);
      this.iter.push(this.values);
      this.lastIterLine = [base + start, base + end];
      return;
    }
    const text = buf.toString('utf8', start, end);
    if (text.trim() === '') return;
    const parsed = parseMetricLine(text);
    if (!parsed.ok) return this.bad(parsed.why);
    this.add(parsed.row, base + start, base + end);
  }

  private add(row: MetricRow, from: number, to: number): void {
    this.noteOffset('all', from);
    this.noteOffset(row.kind, from);
    if (row.kind === 'iter') {
      this.iter.push({ iter: row.iter, epoch: row.epoch, loss: row.loss ?? NaN, lr: row.lr, t: row.t });
      this.lastIterLine = [from, to];
    } else {
      this.epoch.push(row);
    }
  }

  private noteOffset(kind: RowKind, offset: number): void {
    if (this.count(kind) % PAGE_STRIDE === 0) this.offsets[kind].push(offset);
  }

  private bad(why: string): void {
    this.skipped++;
    if (this.badLines.length < BAD_LINES_KEPT) this.badLines.push({ line: this.lines, why });
  }

  /** The damage in one sentence (null when every line is a row): the run's status names it. */
  damage(): string | null {
    if (this.skipped === 0) return null;
    const first = this.badLines[0]!;
    const lines = this.badLines.map((b) => b.line).join(', ') + (this.skipped > this.badLines.length ? ', …' : '');
    const count = this.skipped === 1 ? '1 line' : `${this.skipped.toLocaleString('en-US')} lines`;
    const verb = this.skipped === 1 ? 'is not a metric row and was' : 'are not metric rows and were';
    return `${count} of ${this.file} ${verb} skipped (line ${lines}; line ${first.line} ${first.why})`;
  }
}

function epochColumns(e: EpochColumns) {
  return [e.epoch, e.iter, e.train_loss, e.train_accuracy, e.valid_loss, e.valid_accuracy, e.seconds, e.t];
}

/** The exact last iteration row, read back from its line (the columns hold float32 values). */
export async function lastIterRow(index: MetricsIndex): Promise<IterRow | null> {
  if (!index.lastIterLine) return null;
  const [from, to] = index.lastIterLine;
  const opened = await openRegularFile(index.file);
  if (!opened.ok) return null;
  try {
    const buf = Buffer.alloc(to - from);
    await opened.handle.read(buf, 0, buf.length, from);
    const parsed = parseMetricLine(buf.toString('utf8'));
    return parsed.ok && parsed.row.kind === 'iter' ? parsed.row : null;
  } finally {
    await opened.handle.close().catch(() => undefined);
  }
}
