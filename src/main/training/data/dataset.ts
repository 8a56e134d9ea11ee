/**
 * Dataset: n samples as one flat Float32Array (row-major, sample after sample) plus int32
 * labels, and the per-sample shape ([784] for an MLP, [28, 28, 1] for a CNN). Image sets
 * also keep the bytes their floats came from (PixelBytes), which the DataLoader can gather
 * instead: a quarter of the memory read for the same batch.
 */
import type { ImageInput, SkippedFile } from '../../../shared/records';

/**
 * Samples as bytes with their per-channel scale and offset: x[i] = fround(fround(values[i] ·
 * scale[c]) + offset[c]), c = i mod channels (normalize.ts's pixelScale), float32 throughout.
 */
export interface PixelBytes {
  readonly values: Uint8Array;
  /** One per channel; channels interleave (HWC). */
  readonly scale: Float32Array;
  readonly offset: Float32Array;
}

export class Dataset {
  readonly length: number;
  readonly shape: number[];
  /** Floats per sample: the product of `shape`. */
  readonly sampleSize: number;

  constructor(
    readonly x: Float32Array,
    readonly y: Int32Array,
    shape: number[],
    /** The bytes x was normalized from, when it was (image sets); null otherwise. */
    readonly bytes: PixelBytes | null = null,
  ) {
    if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new RangeError(`Dataset: sample shape must be positive integers, got [${shape.join(', ')}]`);
    }
    this.shape = Object.freeze([...shape]) as number[];
    this.sampleSize = shape.reduce((a, b) => a * b, 1);
    if (x.length !== y.length * this.sampleSize) {
      throw new RangeError(
        `Dataset: ${y.length} labels × ${this.sampleSize} values per sample = ${y.length * this.sampleSize}, but x has ${x.length} values`,
      );
    }
    this.length = y.length;
    if (bytes) {
      const channels = bytes.scale.length;
      if (bytes.values.length !== x.length || channels < 1 || bytes.offset.length !== channels || this.sampleSize % channels !== 0) {
        throw new RangeError(`Dataset: its bytes (${bytes.values.length} in ${channels} channels) do not match its ${x.length} values`);
      }
    }
  }

  /** The same arrays seen with another per-sample shape of the same size (no copy). */
  withShape(shape: number[]): Dataset {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== this.sampleSize) {
      throw new RangeError(`Dataset: cannot view samples of shape [${this.shape.join(', ')}] as [${shape.join(', ')}]`);
    }
    return new Dataset(this.x, this.y, shape, this.bytes);
  }
}

/** What every data source returns: normalized train and valid sets, the class count and names. */
export interface DataSplit {
  train: Dataset;
  valid: Dataset;
  /** Number of classes (max label + 1). */
  c: number;
  /** A name per class index ("0"…"9" for digits, folder names for image folders). */
  classes: string[];
  /** How an image file becomes a sample of this data (size, channels, normalization); null for tabular data. */
  image: ImageInput | null;
  /** Files left out because they could not be decoded (image folders with skip-bad-files on). */
  skipped?: { count: number; first: SkippedFile[] };
}
