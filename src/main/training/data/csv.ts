/**
 * CSV source: one label column and numeric feature columns. A header is optional; the first
 * row is a header when one of its cells is not a number. The label column is the one named
 * `label` when there is a header, else the first column. Labels are class indices (whole
 * numbers ≥ 0, c = max + 1). Rows are split train/valid by `validFraction` with the run's seed,
 * and each feature column is standardized with its train mean/std (a constant column is only
 * centred). Class names come from `<name>.classes.txt` beside `<name>.csv` (one per line),
 * else "0", "1", ….
 */
import Papa from 'papaparse';
import { excerpt } from '../../../shared/excerpt';
import { deriveSeed } from '../random';
import { classNames } from './class-names';
import { DataError } from './data-error';
import { Dataset, type DataSplit } from './dataset';
import { columnStats, standardizeColumns } from './normalize';
import { readDataFile } from './read-data-file';
import { randomSplit, takeRows } from './split';

export interface CsvOptions {
  validFraction: number;
  seed: number;
}

export interface CsvTable {
  /** rows × (columns − 1) feature values, row-major, as read (not standardized). */
  features: Float32Array;
  labels: Int32Array;
  featureNames: string[];
  hasHeader: boolean;
}

/** Class indices above this are refused: they would make an absurdly wide output layer. */
export const MAX_CLASSES = 10_000;
/** Keeps the CSV split stream apart from other streams derived from the run seed. */
const SPLIT_STREAM = 0xc5f;

export async function loadCsv(path: string, options: CsvOptions): Promise<DataSplit> {
  const table = parseCsv(path, (await readDataFile(path)).toString('utf8'));
  const n = table.labels.length;
  if (n < 2) throw new DataError(`${path}: ${n} data row; at least 2 are needed to split into train and valid`, path);
  const cols = table.featureNames.length;
  const split = randomSplit(n, options.validFraction, deriveSeed(options.seed, SPLIT_STREAM));
  const trainX = takeRows(table.features, split.train, cols);
  const validX = takeRows(table.features, split.valid, cols);
  const stats = columnStats(trainX, cols);
  standardizeColumns(trainX, cols, stats);
  standardizeColumns(validX, cols, stats);
  let max = 0;
  for (const label of table.labels) max = Math.max(max, label);
  const classes = await classNames(classesFileFor(path), max + 1);
  return {
    train: new Dataset(trainX, takeRows(table.labels, split.train, 1), [cols]),
    valid: new Dataset(validX, takeRows(table.labels, split.valid, 1), [cols]),
    c: classes.length,
    classes,
    image: null,
  };
}

/** `digits.csv` → `digits.classes.txt`: the optional class names of a CSV file. */
export function classesFileFor(csvPath: string): string {
  return `${csvPath.replace(/\.csv$/i, '')}.classes.txt`;
}

/** Parses and checks the whole table; errors name the file, line and column. */
export function parseCsv(path: string, text: string): CsvTable {
  text = text.replace(/^\uFEFF/, '');
  if (!/\S/.test(text)) {
    throw new DataError(`${path}: the file is empty; expected a label column and numeric feature columns`, path);
  }
  // Text files hold no NUL characters: this is not a CSV, and nothing of it is quoted.
  if (text.slice(0, 64 * 1024).includes('\u0000')) {
    throw new DataError(`${path}: this is a binary file, not a CSV file (expected text: a label column and numeric feature columns)`, path);
  }
  const reader = new TableReader(path);
  let error: unknown = null;
  let lineNo = 1;
  let counted = 0; // newlines before this offset are counted into lineNo
  let rowStart = 0; // papaparse reports where a row ends; the next one starts there
  Papa.parse<string[]>(text, {
    skipEmptyLines: false,
    step: (result, parser) => {
      for (let nl = text.indexOf('\n', counted); nl >= 0 && nl < rowStart; nl = text.indexOf('\n', nl + 1)) lineNo++;
      counted = rowStart;
      rowStart = result.meta.cursor;
      try {
        const quoteError = result.errors.find((e) => e.type === 'Quotes');
        if (quoteError) throw new DataError(`${path} line ${lineNo}: ${quoteError.message}`, path, { line: lineNo });
        reader.row(result.data, lineNo);
      } catch (err) {
        error = err;
        parser.abort();
      }
    },
  });
  if (error) throw error;
  return reader.finish();
}

/** Accumulates validated rows into growing typed arrays. */
class TableReader {
  private k = 0;
  private labelCol = 0;
  private names: string[] = [];
  private hasHeader = false;
  private features = new Float32Array(0);
  private labels = new Int32Array(0);
  private rows = 0;

  constructor(private readonly path: string) {}

  row(cells: string[], line: number): void {
    if (cells.length === 1 && cells[0]!.trim() === '') return; // blank line
    if (this.k === 0) return this.first(cells, line);
    if (cells.length !== this.k) {
      throw new DataError(`${this.path} line ${line}: expected ${this.k} columns, found ${cells.length}`, this.path, { line });
    }
    this.grow();
    const nf = this.k - 1;
    let f = this.rows * nf;
    for (let j = 0; j < cells.length; j++) {
      const value = this.number(cells[j]!, j, line);
      if (j === this.labelCol) this.labels[this.rows] = this.label(value, cells[j]!, j, line);
      else this.features[f++] = value;
    }
    this.rows++;
  }

  finish(): CsvTable {
    if (this.rows === 0) {
      throw new DataError(
        `${this.path}: no data rows${this.hasHeader ? ' after the header' : ''}; expected rows of a label and numeric features`,
        this.path,
      );
    }
    const nf = this.k - 1;
    return {
      features: this.features.slice(0, this.rows * nf),
      labels: this.labels.slice(0, this.rows),
      featureNames: this.names.filter((_, j) => j !== this.labelCol),
      hasHeader: this.hasHeader,
    };
  }

  private first(cells: string[], line: number): void {
    this.k = cells.length;
    this.hasHeader = cells.some((c) => !isNumber(c));
    if (this.hasHeader) {
      this.names = cells.map((c) => c.trim());
      this.labelCol = this.names.findIndex((c) => c.toLowerCase() === 'label');
      if (this.labelCol < 0) {
        // Quote the header only if it looks like one: the first line of /etc/shadow must not reach a message.
        if (this.k < 2 || !this.names.every(looksLikeColumnName)) {
          throw new DataError(
            `${this.path} line ${line}: this does not look like a CSV dataset: the first line is neither numbers nor a header with a 'label' column`,
            this.path,
            { line },
          );
        }
        const shown = this.names.slice(0, 6).join(', ') + (this.names.length > 6 ? ', …' : '');
        throw new DataError(`${this.path} line ${line}: the header has no 'label' column (found: ${excerpt(shown)})`, this.path, { line });
      }
    } else {
      this.names = cells.map((_, j) => `column ${j + 1}`);
      this.labelCol = 0;
    }
    if (this.k < 2) {
      throw new DataError(`${this.path} line ${line}: found only the label column; expected numeric feature columns after it`, this.path, {
        line,
      });
    }
    if (!this.hasHeader) this.row(cells, line);
  }

  private number(cell: string, j: number, line: number): number {
    const value = Number(cell); // one parse per cell; '' and blanks also give 0, hence the second test
    if (Number.isFinite(value) && (value !== 0 || cell.trim() !== '')) return value;
    const column = this.columnName(j);
    throw new DataError(`${this.path} line ${line}, column ${column}: '${excerpt(cell, CELL_QUOTE_MAX)}' is not a number`, this.path, {
      line,
      column: this.names[j]!,
    });
  }

  private label(value: number, cell: string, j: number, line: number): number {
    if (Number.isInteger(value) && value >= 0 && value < MAX_CLASSES) return value;
    const column = this.columnName(j);
    throw new DataError(
      `${this.path} line ${line}, column ${column}: label '${excerpt(cell, CELL_QUOTE_MAX)}' is not a class index; expected a whole number from 0 to ${MAX_CLASSES - 1}`,
      this.path,
      { line, column: this.names[j]! },
    );
  }

  private columnName(j: number): string {
    return this.hasHeader ? `'${excerpt(this.names[j]!, 60)}'` : String(j + 1);
  }

  private grow(): void {
    if (this.rows < this.labels.length) return;
    const capacity = Math.max(1024, this.labels.length * 2);
    const labels = new Int32Array(capacity);
    labels.set(this.labels);
    const features = new Float32Array(capacity * (this.k - 1));
    features.set(this.features);
    this.labels = labels;
    this.features = features;
  }
}

/** A cell is quoted in an error at most this long: enough to recognise it, never a 60 MB message. */
const CELL_QUOTE_MAX = 40;

/** What a column name in a dataset looks like: short, printable, no password-file punctuation. */
function looksLikeColumnName(name: string): boolean {
  return /^[\p{L}\p{N}_ .()[\]#%+\-/]{1,64}$/u.test(name);
}

function isNumber(cell: string): boolean {
  const s = cell.trim();
  return s !== '' && Number.isFinite(Number(s));
}
