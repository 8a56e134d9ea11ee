/**
 * Column: a growing array of numbers kept in fixed-size typed-array blocks, so a column of
 * five million values never needs one 5M-element allocation (or a copy to grow it), and its
 * memory is about what it holds (the last block starts small and doubles up to the block size,
 * so a column of 300 values takes 1 kB, not 256 kB).
 */
export const BLOCK_BITS = 16;
export const BLOCK_SIZE = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_SIZE - 1;

type TypedArray = Float32Array | Float64Array | Uint32Array;

export class Column<T extends TypedArray = TypedArray> {
  readonly blocks: T[] = [];
  length = 0;

  constructor(private readonly make: (size: number) => T) {}

  push(value: number): void {
    const j = this.length & BLOCK_MASK;
    if (j === 0) this.blocks.push(this.make(256));
    const last = this.blocks.length - 1;
    let block = this.blocks[last]!;
    if (j === block.length) {
      const grown = this.make(Math.min(BLOCK_SIZE, block.length * 2));
      grown.set(block);
      this.blocks[last] = block = grown as T;
    }
    block[j] = value;
    this.length++;
  }

  /** The values as views of the blocks, in order (for saving: full blocks never change, nor values below length). */
  slices(): T[] {
    return this.blocks.map((block, b) => block.subarray(0, Math.min(BLOCK_SIZE, this.length - b * BLOCK_SIZE)) as T);
  }

  /** Takes `data`'s values as its own, without copying: the blocks become views of it (for loading a saved column). */
  adopt(data: T): void {
    this.blocks.length = 0;
    for (let at = 0; at < data.length; at += BLOCK_SIZE) this.blocks.push(data.subarray(at, at + BLOCK_SIZE) as T);
    this.length = data.length;
  }

  get(i: number): number {
    return this.blocks[i >>> BLOCK_BITS]![i & BLOCK_MASK]!;
  }

  /** Bytes held (whole blocks). */
  get bytes(): number {
    return this.blocks.reduce((sum, b) => sum + b.byteLength, 0);
  }
}

export const float32 = (): Column<Float32Array> => new Column((n) => new Float32Array(n));
export const float64 = (): Column<Float64Array> => new Column((n) => new Float64Array(n));
export const uint32 = (): Column<Uint32Array> => new Column((n) => new Uint32Array(n));
