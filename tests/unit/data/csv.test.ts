import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCsv, parseCsv } from '../../../src/main/training/data/csv';
import { DataError } from '../../../src/main/training/data/data-error';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runlab-csv-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function csvFile(name: string, text: string): Promise<string> {
  const path = join(root, name);
  await writeFile(path, text);
  return path;
}

function parseError(text: string, path = 'data.csv'): DataError {
  try {
    parseCsv(path, text);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected a DataError');
}

describe('parseCsv', () => {
  it('reads a file with a header, taking the column named label wherever it is', () => {
    const t = parseCsv('h.csv', 'a,label,b\n1,0,2\n3,2,4.5\n');
    expect(t.hasHeader).toBe(true);
    expect(t.featureNames).toEqual(['a', 'b']);
    expect(Array.from(t.labels)).toEqual([0, 2]);
    expect(Array.from(t.features)).toEqual([1, 2, 3, 4.5]);
  });

  it('reads a file without a header, taking the first column as the label', () => {
    const t = parseCsv('n.csv', '1,0.5,2\r\n0,1,-3\r\n\r\n2,1e-1,7\r\n');
    expect(t.hasHeader).toBe(false);
    expect(Array.from(t.labels)).toEqual([1, 0, 2]);
    expect(Array.from(t.features)).toEqual(Array.from(new Float32Array([0.5, 2, 1, -3, 0.1, 7])));
  });

  it('names the line of a ragged row, counting blank lines', () => {
    expect(parseError('label,a,b\n1,2,3\n\n0,1\n').message).toBe('data.csv line 4: expected 3 columns, found 2');
    expect(parseError('1,2,3\n0,1,2,3\n').message).toBe('data.csv line 2: expected 3 columns, found 4');
  });

  it('names the line and column of a non-numeric cell', () => {
    const err = parseError('label,width,height\n1,2,3\n0,abc,3\n');
    expect(err.message).toBe("data.csv line 3, column 'width': 'abc' is not a number");
    expect(err.line).toBe(3);
    expect(err.column).toBe('width');
    expect(parseError('1,2,3\n0,4,\n').message).toBe("data.csv line 2, column 3: '' is not a number");
  });

  it('refuses negative and fractional labels', () => {
    expect(parseError('label,a\n1,2\n-1,3\n').message).toBe(
      "data.csv line 3, column 'label': label '-1' is not a class index; expected a whole number from 0 to 9999",
    );
    expect(parseError('1,2\n2.5,3\n').message).toBe(
      "data.csv line 2, column 1: label '2.5' is not a class index; expected a whole number from 0 to 9999",
    );
  });

  it('refuses an empty file, a header without rows, a header without label and a label-only file', () => {
    expect(parseError('').message).toBe('data.csv: the file is empty; expected a label column and numeric feature columns');
    expect(parseError(' \n\n').message).toMatch(/the file is empty/);
    expect(parseError('label,a\n').message).toBe('data.csv: no data rows after the header; expected rows of a label and numeric features');
    expect(parseError('x,y\n1,2\n').message).toBe("data.csv line 1: the header has no 'label' column (found: x, y)");
    expect(parseError('3\n4\n').message).toBe('data.csv line 1: found only the label column; expected numeric feature columns after it');
  });
});

describe('loadCsv', () => {
  // Columns: label = i % 4, x = i, z = 100 + 2i, copy = the label again.
  const rows = Array.from({ length: 50 }, (_, i) => `${i % 4},${i},${100 + 2 * i},${i % 4}`);

  it('splits by validFraction with the seed and standardizes features with train stats', async () => {
    const path = await csvFile('ok.csv', `label,x,z,copy\n${rows.join('\n')}\n`);
    const split = await loadCsv(path, { validFraction: 0.2, seed: 42 });
    expect(split.train.length).toBe(40);
    expect(split.valid.length).toBe(10);
    expect(split.train.shape).toEqual([3]);
    expect(split.c).toBe(4);
    for (const col of [0, 1, 2]) {
      const vals = Array.from(split.train.x).filter((_, k) => k % 3 === col);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const std = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
      expect(mean).toBeCloseTo(0, 5);
      expect(std).toBeCloseTo(1, 5);
    }
    // Column z = 100 + 2x, so after standardizing both columns agree in every row, valid included.
    for (let r = 0; r < 10; r++) expect(split.valid.x[3 * r]).toBeCloseTo(split.valid.x[3 * r + 1]!, 5);
    // Rows stay whole: 'copy' (standardized) is the same increasing function of the label in both sets.
    const copyOf = new Map<number, number>();
    for (const ds of [split.train, split.valid]) {
      for (let r = 0; r < ds.length; r++) {
        const seen = copyOf.get(ds.y[r]!) ?? ds.x[3 * r + 2]!;
        expect(ds.x[3 * r + 2]).toBeCloseTo(seen, 5);
        copyOf.set(ds.y[r]!, seen);
      }
    }
    expect([0, 1, 2, 3].map((c) => copyOf.get(c)!)).toEqual([...copyOf.values()].sort((a, b) => a - b));
    const again = await loadCsv(path, { validFraction: 0.2, seed: 42 });
    expect(again.valid.y).toEqual(split.valid.y);
    const other = await loadCsv(path, { validFraction: 0.2, seed: 7 });
    expect(Array.from(other.valid.x)).not.toEqual(Array.from(split.valid.x));
  });

  it('reports a missing file and names the file in parse errors', async () => {
    const missing = join(root, 'absent.csv');
    await expect(loadCsv(missing, { validFraction: 0.2, seed: 1 })).rejects.toThrow(`File not found: ${missing}`);
    const bad = await csvFile('bad.csv', '1,2\n0,x\n');
    await expect(loadCsv(bad, { validFraction: 0.2, seed: 1 })).rejects.toThrow(`${bad} line 2, column 2: 'x' is not a number`);
  });
});

describe('class names of a CSV file', () => {
  const rows = Array.from({ length: 12 }, (_, i) => `${i % 3},${i},${i * i}`).join('\n');

  it('are "0", "1", … by default, and the lines of <name>.classes.txt beside <name>.csv where there is one', async () => {
    const plain = await csvFile('plain.csv', rows);
    expect((await loadCsv(plain, { validFraction: 0.25, seed: 1 })).classes).toEqual(['0', '1', '2']);
    const named = await csvFile('iris.csv', rows);
    await writeFile(join(root, 'iris.classes.txt'), 'setosa\nversicolor\nvirginica\n');
    const split = await loadCsv(named, { validFraction: 0.25, seed: 1 });
    expect(split.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(split.image).toBeNull();
  });
});
