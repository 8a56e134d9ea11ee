/**
 * The pieces of `runlab train` that need no process: flags → config (presets, lists,
 * overrides), and what the reporters print for a run's rows and its end.
 */
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { MetricRow, RunSummary } from '../../../src/shared/records';
import { addFieldOptions, configFromFlags, flagForField } from '../../../src/main/cli/flags-from-schema';
import { formatDuration, formatMetric, formatTable } from '../../../src/main/cli/table';
import { describeData, HumanReporter, JsonReporter } from '../../../src/main/cli/train-reporter';

function parse(...args: string[]): Record<string, unknown> {
  const command = addFieldOptions(new Command('train')).option('--preset <id>').exitOverride();
  command.parse(args, { from: 'user' });
  return configFromFlags(command, command.opts<{ preset?: string }>().preset);
}

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const epochRow: MetricRow = {
  kind: 'epoch',
  epoch: 1,
  iter: 125,
  train_loss: 0.412345678,
  train_accuracy: 0.88125,
  valid_loss: 0.3012,
  valid_accuracy: 0.912,
  seconds: 2.4,
  t: 2400,
};
const summary: RunSummary = {
  epochs: 1,
  iterations: 125,
  final: { train_loss: 0.412345678, train_accuracy: 0.88125, valid_loss: 0.3012, valid_accuracy: 0.912 },
  best_valid_accuracy: 0.912,
  best_valid_loss: 0.3012,
  best_epoch: 1,
  samples_per_second: 31204.4,
  stopped_by: null,
};

describe('flags → config', () => {
  it('keeps only the flags given, typed as the schema wants them', () => {
    expect(parse()).toEqual({});
    expect(parse('--lr', '0.01', '--hidden', '100,50', '--optimizer', 'adam', '--epochs', '4')).toEqual({
      lr: 0.01,
      hidden: [100, 50],
      optimizer: 'adam',
      epochs: 4,
    });
  });

  it('leaves what is not a number for validation to name', () => {
    expect(parse('--lr', 'fast', '--hidden', '10,,x')).toEqual({ lr: 'fast', hidden: [10, '', 'x'] });
  });

  it('starts from a preset and lets flags override it', () => {
    expect(parse('--preset', 'cnn', '--lr', '0.01')).toMatchObject({ model: 'cnn', optimizer: 'adam', schedule: 'one-cycle', lr: 0.01 });
    expect(() => parse('--preset', 'nope')).toThrow('--preset: unknown preset "nope"');
  });

  it('maps schema field paths back to flags', () => {
    expect(flagForField('batchSize')).toBe('--batch-size');
    expect(flagForField('hidden.2')).toBe('--hidden');
    expect(flagForField('nope')).toBeUndefined();
  });
});

describe('formatting', () => {
  it('aligns tables and formats metrics and durations as fastai does', () => {
    expect(
      formatTable(
        ['id', 'acc'],
        [
          ['a', '0.5'],
          ['bbbb', '0.25'],
        ],
        ['left', 'right'],
      ),
    ).toEqual(['id     acc', 'a      0.5', 'bbbb  0.25']);
    expect(formatMetric(0.1234567)).toBe('0.123457');
    expect(formatMetric(null)).toBe('-');
    expect(formatMetric(Number.NaN)).toBe('-');
    expect(formatDuration(65.4)).toBe('01:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('reporters', () => {
  it('JSON: one object per epoch, then the summary line, and nothing else on stdout', () => {
    const out = new Capture();
    const err = new Capture();
    const reporter = new JsonReporter(out, err);
    reporter.start();
    reporter.rows([{ kind: 'iter', iter: 1, epoch: 0.01, loss: 2.3, lr: 0.5, t: 1 }, epochRow]);
    reporter.note('cancelling');
    reporter.end({ status: 'completed', summary, backend: 'wasm', device: 'wasm (SIMD)', runId: 'r1', error: null, seconds: 3.21 });
    const lines = out.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({
      epoch: 1,
      train_loss: 0.412345678,
      train_accuracy: 0.88125,
      valid_loss: 0.3012,
      valid_accuracy: 0.912,
      seconds: 2.4,
    });
    expect(lines[1]).toMatchObject({
      status: 'completed',
      epochs: 1,
      train_loss: 0.412345678,
      valid_loss: 0.3012,
      valid_accuracy: 0.912,
      backend: 'wasm',
      device: 'wasm (SIMD)',
      samples_per_second: 31204.4,
      run_id: 'r1',
      seconds: 3.21,
    });
    expect(lines).toHaveLength(2);
    expect(err.text).toBe('cancelling\n');
  });

  it('human: a fastai-style epoch table on stdout and a final line with status, backend, samples/s and run id', () => {
    const out = new Capture();
    const err = new Capture();
    const reporter = new HumanReporter(out as unknown as NodeJS.WriteStream, err as unknown as NodeJS.WriteStream, false);
    reporter.start({ backend: 'wasm', device: 'wasm (SIMD)', totalIters: 125, epochs: 1 });
    reporter.rows([epochRow]);
    reporter.end({ status: 'completed', summary, backend: 'wasm', device: 'wasm (SIMD)', runId: 'r1', error: null, seconds: 3.21 });
    expect(out.text.split('\n')).toEqual([
      'epoch  train_loss  train_accuracy  valid_loss  valid_accuracy   time',
      '1        0.412346        0.881250    0.301200        0.912000  00:02',
      'completed in 3.2 s · 1 epoch(s), 125 iterations · valid_accuracy 0.9120 · backend wasm (SIMD) · 31,204 samples/s · run r1',
      '',
    ]);
    // No TTY: no progress bar, only the one-line announcement.
    expect(err.text).toBe('training on wasm (SIMD): 1 epoch(s), 125 iterations\n');
  });

  it('says on stderr (human) and in the last JSON line when a run did not learn', () => {
    const warning =
      'valid accuracy never rose above 11.0%, chance level for 10 classes (10.0%): the model did not learn; try another learning rate';
    const end = {
      status: 'completed' as const,
      summary: { ...summary, warning },
      backend: 'wasm',
      device: 'wasm',
      runId: 'r2',
      error: null,
      seconds: 1,
    };
    const err = new Capture();
    new HumanReporter(new Capture() as unknown as NodeJS.WriteStream, err as unknown as NodeJS.WriteStream, true).end(end);
    expect(err.text).toBe(`warning: ${warning}\n`);
    const out = new Capture();
    new JsonReporter(out as unknown as NodeJS.WriteStream, new Capture() as unknown as NodeJS.WriteStream).end(end);
    expect(JSON.parse(out.text)).toMatchObject({ status: 'completed', warning });
  });
});

describe('the data line', () => {
  const digits = {
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    input_shape: [784],
    image: { width: 28, height: 28, channels: 1 as const, mean: [0.13], std: [0.31] },
    train_size: 8000,
    valid_size: 2000,
    skipped_count: 0,
    skipped: [],
  };

  it("lists MNIST's ten classes whole and groups the sizes' thousands", () => {
    expect(describeData(digits)).toBe('data: 10 classes (0, 1, 2, 3, 4, 5, 6, 7, 8, 9) · 28×28 grey · 8,000 train / 2,000 valid');
  });

  it('cuts a long class list after 12 names', () => {
    const classes = Array.from({ length: 13 }, (_, i) => `c${i}`);
    expect(describeData({ ...digits, classes })).toBe(
      'data: 13 classes (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, …) · 28×28 grey · 8,000 train / 2,000 valid',
    );
  });
});
